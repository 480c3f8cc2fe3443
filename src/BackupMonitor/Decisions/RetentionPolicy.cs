using System.Globalization;

namespace BackupMonitor.Decisions;

/// <summary>
/// A retention policy (SPEC §14): `last=3,daily=7,weekly=4,monthly=12,yearly=2` (any subset, each a count ≥ 0), or
/// `none` (keep everything). Counts mean what borg prune's `--keep-*` mean.
/// </summary>
public sealed record RetentionPolicy(int? Last, int? Daily, int? Weekly, int? Monthly, int? Yearly)
{
    public const string NoneText = "none";

    /// <summary>Keeps everything (`RETENTION=none`, or a job's or company's policy `none`).</summary>
    public static readonly RetentionPolicy None = new(null, null, null, null, null);

    /// <summary>The rules in the order they run (borg prune's): last, daily, weekly, monthly, yearly.</summary>
    public static readonly IReadOnlyList<string> RuleNames = ["last", "daily", "weekly", "monthly", "yearly"];

    public bool KeepsEverything => Last is null && Daily is null && Weekly is null && Monthly is null && Yearly is null;

    public int? Count(string rule) => rule switch
    {
        "last" => Last,
        "daily" => Daily,
        "weekly" => Weekly,
        "monthly" => Monthly,
        "yearly" => Yearly,
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, "unknown retention rule"),
    };

    /// <summary>The policy as written back: `none`, or the rules given, in their running order.</summary>
    public override string ToString() => KeepsEverything
        ? NoneText
        : string.Join(',', RuleNames.Where(r => Count(r) is not null).Select(r => $"{r}={Count(r)!.Value.ToString(CultureInfo.InvariantCulture)}"));

    /// <summary>Parses a policy; <see cref="RetentionPolicyException"/> names each bad part.</summary>
    public static RetentionPolicy Parse(string? text)
    {
        var (policy, problems) = TryParse(text);
        return policy ?? throw new RetentionPolicyException(problems);
    }

    public static (RetentionPolicy? Policy, IReadOnlyList<string> Problems) TryParse(string? text)
    {
        var trimmed = text?.Trim() ?? "";
        if (trimmed.Length == 0)
            return (null, ["empty policy: write rules such as 'last=3,daily=7,weekly=4,monthly=12,yearly=2', or 'none'"]);
        if (string.Equals(trimmed, NoneText, StringComparison.OrdinalIgnoreCase)) return (None, []);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var part in trimmed.Split(','))
        {
            var rulePart = part.Trim();
            var equals = rulePart.IndexOf('=');
            if (rulePart.Length == 0)
            {
                problems.Add("empty rule between two commas");
                continue;
            }
            if (equals < 0)
            {
                problems.Add($"'{rulePart}': expected RULE=COUNT (e.g. daily=7)");
                continue;
            }
            var name = rulePart[..equals].Trim().ToLowerInvariant();
            var value = rulePart[(equals + 1)..].Trim();
            if (!RuleNames.Contains(name))
                problems.Add($"'{rulePart}': unknown rule '{rulePart[..equals].Trim()}' (rules: {string.Join(", ", RuleNames)})");
            else if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count > 1_000_000)
                problems.Add($"'{rulePart}': the count of '{name}' must be a whole number from 0 to 1000000, got '{value}'");
            else if (!counts.TryAdd(name, count))
                problems.Add($"'{rulePart}': rule '{name}' is given twice");
        }
        if (problems.Count > 0) return (null, problems);
        int? Get(string rule) => counts.TryGetValue(rule, out var count) ? count : null;
        return (new RetentionPolicy(Get("last"), Get("daily"), Get("weekly"), Get("monthly"), Get("yearly")), []);
    }

    /// <summary>
    /// Which policy applies to a job (SPEC §14): its own, else its company's, else the default (RETENTION).
    /// Stored texts were validated when set; one that no longer parses keeps everything (never prunes by accident).
    /// </summary>
    public static (RetentionPolicy Policy, string Source) Effective(string? jobPolicy, string? companyPolicy, RetentionPolicy defaultPolicy)
    {
        if (jobPolicy is not null) return (TryParse(jobPolicy).Policy ?? None, "job");
        if (companyPolicy is not null) return (TryParse(companyPolicy).Policy ?? None, "company");
        return (defaultPolicy, "default");
    }
}

/// <summary>A policy that does not parse; each problem names the bad part.</summary>
public sealed class RetentionPolicyException(IReadOnlyList<string> problems)
    : Exception("retention policy: " + string.Join("; ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
