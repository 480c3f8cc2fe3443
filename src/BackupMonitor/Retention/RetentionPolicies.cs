using BackupMonitor.Decisions;
using BackupMonitor.Persistence;

namespace BackupMonitor.Retention;

/// <summary>`retention set | unset` (SPEC §14): a job's or a company's own policy, validated before it is stored (as written back by <see cref="RetentionPolicy.ToString"/>).</summary>
public sealed class RetentionPolicies(RetentionStore store, TimeProvider time)
{
    /// <summary>Returns the policy as stored. <see cref="RetentionPolicyException"/> names a bad part; <see cref="RetentionRequestException"/> an unknown job or company.</summary>
    public async Task<string> SetAsync(int? jobId, string? company, string policyText, CancellationToken cancellationToken)
    {
        var policy = RetentionPolicy.Parse(policyText).ToString();
        if (jobId is { } id)
        {
            if (!await store.SetJobPolicyAsync(id, policy, cancellationToken)) throw new RetentionRequestException($"job {id} not found");
        }
        else
        {
            var name = Company(company);
            if (!await store.CompanyExistsAsync(name, cancellationToken)) throw new RetentionRequestException($"company '{name}' has no job");
            await store.SetCompanyPolicyAsync(name, policy, time.GetUtcNow().UtcDateTime, cancellationToken);
        }
        return policy;
    }

    /// <summary>Removes the job's or company's own policy (the next one down applies: company, then RETENTION).</summary>
    public async Task UnsetAsync(int? jobId, string? company, CancellationToken cancellationToken)
    {
        if (jobId is { } id)
        {
            if (!await store.SetJobPolicyAsync(id, null, cancellationToken)) throw new RetentionRequestException($"job {id} not found");
        }
        else if (!await store.RemoveCompanyPolicyAsync(Company(company), cancellationToken))
            throw new RetentionRequestException($"company '{company}' has no retention policy of its own");
    }

    private static string Company(string? company) =>
        string.IsNullOrWhiteSpace(company) ? throw new RetentionRequestException("give --job ID or --company C") : company;
}
