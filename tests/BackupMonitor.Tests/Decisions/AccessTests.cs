using BackupMonitor.Decisions;
using static BackupMonitor.Decisions.AccessDecision;

namespace BackupMonitor.Tests.Decisions;

/// <summary>
/// SPEC §11's decision over every role × scope × action × target. The expectations are written from the SPEC's table
/// (which role each action needs, scope before role, the limited operator's windows, metrics), independently of
/// <see cref="Access.Needs"/>: a change to either shows here.
/// </summary>
public sealed class AccessTests
{
    private const string Own = "ACME";
    private const string Second = "Globex";
    private const string Other = "Initech";

    /// <summary>The SPEC's table, action by action.</summary>
    private static readonly Dictionary<AccessAction, Role> Table = new()
    {
        [AccessAction.ReadJobs] = Role.Viewer, [AccessAction.ReadNotifications] = Role.Viewer, [AccessAction.ReadMaintenance] = Role.Viewer,
        [AccessAction.ReadReports] = Role.Viewer, [AccessAction.ReadDrills] = Role.Viewer, [AccessAction.ReadRetentionPlan] = Role.Viewer,
        [AccessAction.ReadMetrics] = Role.Viewer,
        [AccessAction.Acknowledge] = Role.Operator, [AccessAction.RunScan] = Role.Operator, [AccessAction.RunDrills] = Role.Operator,
        [AccessAction.ManageMaintenance] = Role.Operator,
        [AccessAction.WriteJobs] = Role.Admin, [AccessAction.ReadDestinations] = Role.Admin, [AccessAction.ManageDestinations] = Role.Admin,
        [AccessAction.ReadRoutes] = Role.Admin, [AccessAction.ManageRoutes] = Role.Admin, [AccessAction.ReadAgents] = Role.Admin,
        [AccessAction.ManageAgents] = Role.Admin, [AccessAction.ReadKeys] = Role.Admin, [AccessAction.ManageKeys] = Role.Admin,
        [AccessAction.ReadAudit] = Role.Admin, [AccessAction.SetRetention] = Role.Admin, [AccessAction.ApplyRetention] = Role.Admin,
    };

    private static readonly IReadOnlyList<string>[] Scopes = [[], [Own], [Own, Second]];

    private static readonly AccessTarget[] Targets =
    [
        AccessTarget.None, AccessTarget.Job(Own), AccessTarget.Job(Second), AccessTarget.Job(Other), AccessTarget.Job(null),
        AccessTarget.Job("acme"), AccessTarget.Window(Own), AccessTarget.Window(Other), AccessTarget.Window(null), AccessTarget.Window("ACME*"),
        AccessTarget.Window("*"),
    ];

    [Fact]
    public void The_table_names_every_action()
    {
        Assert.Equal(Enum.GetValues<AccessAction>().Order(), Table.Keys.Order());
        foreach (var (action, role) in Table) Assert.Equal(role, Access.Needs(action));
    }

    public static TheoryData<Role, int, AccessAction> Cases()
    {
        var data = new TheoryData<Role, int, AccessAction>();
        foreach (var role in Enum.GetValues<Role>())
            for (var scope = 0; scope < Scopes.Length; scope++)
                foreach (var action in Enum.GetValues<AccessAction>())
                    data.Add(role, scope, action);
        return data;
    }

    /// <summary>Every target for this role, scope and action: 3 roles × 3 scopes × 23 actions × 11 targets.</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_role_scope_action_and_target_is_decided_as_the_SPEC_says(Role role, int scopeIndex, AccessAction action)
    {
        var companies = Scopes[scopeIndex];
        foreach (var target in Targets)
            Assert.True(Expected(role, companies, action, target) == Access.Decide(role, companies, action, target),
                $"{role} {string.Join('+', companies)} {action} {target}: expected {Expected(role, companies, action, target)}, got {Access.Decide(role, companies, action, target)}");
    }

    private static AccessDecision Expected(Role role, IReadOnlyList<string> companies, AccessAction action, AccessTarget target)
    {
        var limited = companies.Count > 0;
        // Scope before role: another company's job (or none: an unknown id) is not found, whatever the action.
        if (limited && target.Kind == TargetKind.Job && !companies.Contains(target.Company!, StringComparer.Ordinal)) return NotFound;
        if (role < Table[action]) return Forbidden;
        if (limited && action == AccessAction.ReadMetrics) return Forbidden;
        if (limited && action == AccessAction.ManageMaintenance && target.Kind == TargetKind.MaintenanceWindow
            && (target.Company is null || !companies.Contains(target.Company))) return Forbidden;
        return Allow;
    }

    [Fact]
    public void A_viewer_of_one_company_reads_its_jobs_and_gets_404_for_another_companys_even_for_writes()
    {
        IReadOnlyList<string> acme = [Own];
        Assert.Equal(Allow, Access.Decide(Role.Viewer, acme, AccessAction.ReadJobs, AccessTarget.Job(Own)));
        Assert.Equal(NotFound, Access.Decide(Role.Viewer, acme, AccessAction.ReadJobs, AccessTarget.Job(Other)));
        Assert.Equal(NotFound, Access.Decide(Role.Viewer, acme, AccessAction.WriteJobs, AccessTarget.Job(Other)));
        Assert.Equal(Forbidden, Access.Decide(Role.Viewer, acme, AccessAction.Acknowledge, AccessTarget.Job(Own)));
        // Company names compare exactly, as in SQL.
        Assert.Equal(NotFound, Access.Decide(Role.Viewer, acme, AccessAction.ReadJobs, AccessTarget.Job("acme")));
    }

    [Fact]
    public void A_limited_operator_manages_only_windows_naming_exactly_one_of_its_companies()
    {
        IReadOnlyList<string> acme = [Own];
        Assert.Equal(Allow, Access.Decide(Role.Operator, acme, AccessAction.ManageMaintenance, AccessTarget.None));
        Assert.Equal(Allow, Access.Decide(Role.Operator, acme, AccessAction.ManageMaintenance, AccessTarget.Window(Own)));
        Assert.Equal(Forbidden, Access.Decide(Role.Operator, acme, AccessAction.ManageMaintenance, AccessTarget.Window(null)));
        Assert.Equal(Forbidden, Access.Decide(Role.Operator, acme, AccessAction.ManageMaintenance, AccessTarget.Window("ACME*")));
        Assert.Equal(Allow, Access.Decide(Role.Operator, [], AccessAction.ManageMaintenance, AccessTarget.Window(null)));
    }

    [Fact]
    public void Metrics_are_for_admins_and_keys_without_a_company_list()
    {
        Assert.Equal(Allow, Access.Decide(Role.Viewer, [], AccessAction.ReadMetrics, AccessTarget.None));
        Assert.Equal(Forbidden, Access.Decide(Role.Operator, [Own], AccessAction.ReadMetrics, AccessTarget.None));
        Assert.Equal(Allow, Access.Decide(Role.Admin, [], AccessAction.ReadMetrics, AccessTarget.None));
    }
}
