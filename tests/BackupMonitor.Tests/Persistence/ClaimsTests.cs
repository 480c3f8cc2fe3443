using System.Diagnostics;
using BackupMonitor.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackupMonitor.Tests.Persistence;

/// <summary>
/// The one claim mechanism (<see cref="Claims"/>) on agent leases, with two owners on their own DbContexts as two
/// processes sharing the database would be (the multi-process runs are in Scale/; deliveries in Notifications/).
/// </summary>
public sealed class ClaimsTests
{
    private sealed class Peer(TestSite site) : IAsyncDisposable
    {
        private readonly AsyncServiceScope scope = site.CreateScope();

        public ClaimOwner Owner { get; } = new();

        public AgentLeases Leases => new(new Claims(Db, Owner, site.Time), Db);

        public BackupMonitorDbContext Db => scope.ServiceProvider.GetRequiredService<BackupMonitorDbContext>();

        public ValueTask DisposeAsync() => scope.DisposeAsync();
    }

    [Fact]
    public async Task An_agent_is_held_by_one_owner_until_it_gives_it_back_or_its_claim_expires()
    {
        await using var site = await TestSite.CreateAsync();
        await using var a = new Peer(site);
        await using var b = new Peer(site);

        Assert.Equal(["agent-1", "agent-2"], await a.Leases.TryClaimAsync(["agent-1", "agent-2"], CancellationToken.None));
        Assert.Equal(["agent-3"], await b.Leases.TryClaimAsync(["agent-2", "agent-3"], CancellationToken.None));
        Assert.Equal(["agent-1", "agent-2"], await a.Leases.TryClaimAsync(["agent-1", "agent-2"], CancellationToken.None)); // a renewal

        await b.Leases.ReleaseAsync(["agent-1", "agent-2"]); // not b's: untouched
        Assert.Empty(await b.Leases.TryClaimAsync(["agent-1", "agent-2"], CancellationToken.None));

        await a.Leases.ReleaseAsync(["agent-1"]);
        Assert.Equal(["agent-1"], await b.Leases.TryClaimAsync(["agent-1", "agent-2"], CancellationToken.None));

        site.Time.Advance(AgentLeases.Duration + TimeSpan.FromSeconds(1)); // every claim has expired: a's agent-2 is free
        Assert.Equal(["agent-1", "agent-2", "agent-3"], await b.Leases.TryClaimAsync(["agent-1", "agent-2", "agent-3"], CancellationToken.None));
        Assert.Empty(await a.Leases.TryClaimAsync(["agent-1", "agent-2", "agent-3"], CancellationToken.None));
    }

    [Fact]
    public async Task Claims_of_a_dead_process_of_this_machine_are_freed_and_those_of_a_live_one_are_not()
    {
        await using var site = await TestSite.CreateAsync();
        await using var a = new Peer(site);
        var dead = $"{Environment.MachineName}:{await DeadPidAsync()}:0123456789abcdef";
        var live = $"{Environment.MachineName}:{Environment.ProcessId}:otherscan";
        var elsewhere = "another-machine:1:0123456789abcdef";
        a.Db.AgentLeases.AddRange(
            new AgentLease { AgentId = "dead", Owner = dead, ExpiresAtUtc = site.Now.AddMinutes(5) },
            new AgentLease { AgentId = "live", Owner = live, ExpiresAtUtc = site.Now.AddMinutes(5) },
            new AgentLease { AgentId = "elsewhere", Owner = elsewhere, ExpiresAtUtc = site.Now.AddMinutes(5) });
        await a.Db.SaveChangesAsync();

        Assert.Empty(await a.Leases.TryClaimAsync(["dead", "live", "elsewhere"], CancellationToken.None));
        await a.Leases.FreeClaimsOfDeadProcessesAsync(CancellationToken.None);

        Assert.Equal(["dead"], await a.Leases.TryClaimAsync(["dead", "live", "elsewhere"], CancellationToken.None));
        var holders = await a.Db.AgentLeases.AsNoTracking().OrderBy(l => l.AgentId).Select(l => l.Owner).ToListAsync();
        Assert.Equal([a.Owner.Name, elsewhere, live], holders);
    }

    private static async Task<int> DeadPidAsync()
    {
        using var process = System.Diagnostics.Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        await process.WaitForExitAsync();
        return process.Id;
    }
}
