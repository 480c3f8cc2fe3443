using System.Text.Json;
using System.Text.Json.Nodes;
using BackupMonitor.Domain;
using BackupMonitor.Notifications.Channels;
using BackupMonitor.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BackupMonitor.Security;

/// <summary>Who is making the changes of this scope: the command line (`cli`), `serve`'s own loops, or a request's key.</summary>
public interface IAuditActor
{
    string Actor { get; }
}

public sealed class FixedAuditActor(string actor) : IAuditActor
{
    public const string Cli = "cli";
    public const string Serve = "serve";

    public string Actor { get; } = actor;
}

/// <summary>
/// The audit trail (SPEC §11). <see cref="Record"/> adds the event to the change's own DbContext without saving:
/// the caller's SaveChangesAsync writes the change and its event in one transaction (with ExecuteUpdate or
/// ExecuteDelete, open a transaction first, record, SaveChanges, commit). Changes are masked here whatever the
/// caller passes: fields named like a secret show `(set)`, URLs show scheme and host only, as `destinations list`.
/// </summary>
public sealed class AuditTrail(BackupMonitorDbContext db, IAuditActor actor, TimeProvider time)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    private static readonly string[] SecretWords = ["secret", "password", "token", "key"];

    /// <summary>The actor of this scope (`key:&lt;name&gt;`, `settings:API_KEYS`, `cli`, `serve`).</summary>
    public string Actor => actor.Actor;

    /// <param name="action">`&lt;thing&gt;.&lt;verb&gt;`, e.g. `job.add`, `maintenance.remove`, `agent.rotate`.</param>
    /// <param name="target">`&lt;thing&gt;:&lt;id or name&gt;`, e.g. `job:42`.</param>
    /// <param name="changes">The changed fields (an anonymous object or a dictionary; snake_case names), or null.</param>
    /// <param name="actorOverride">Another actor than the scope's, e.g. `agent:&lt;id&gt;` for an agent's push.</param>
    public AuditEvent Record(string action, string target, object? changes = null, string? actorOverride = null)
    {
        var audit = new AuditEvent
        {
            AtUtc = time.GetUtcNow().UtcDateTime, Actor = actorOverride ?? actor.Actor, Action = action, Target = target,
            Changes = changes is null ? null : Mask(JsonSerializer.SerializeToNode(changes, Contracts.Json.Options))?.ToJsonString(),
        };
        db.AuditEvents.Add(audit);
        return audit;
    }

    /// <summary>Newest first; `since` inclusive; `actor` exact.</summary>
    public Task<List<AuditEvent>> ListAsync(DateTime? since, string? actorName, int limit, CancellationToken cancellationToken)
    {
        var query = db.AuditEvents.AsNoTracking().AsQueryable();
        if (since is { } from) query = query.Where(a => a.AtUtc >= from);
        if (!string.IsNullOrEmpty(actorName)) query = query.Where(a => a.Actor == actorName);
        return query.OrderByDescending(a => a.AtUtc).ThenByDescending(a => a.Id).Take(limit).ToListAsync(cancellationToken);
    }

    /// <summary>Masks secrets and URL tokens anywhere in the changes (nested objects and arrays too).</summary>
    public static JsonNode? Mask(JsonNode? node, string? name = null)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj.ToList()) obj[key] = Mask(value, key);
                return obj;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++) array[i] = Mask(array[i]?.DeepClone(), name);
                return array;
            case JsonValue value when value.TryGetValue<string>(out var text):
                if (name is not null && SecretWords.Any(w => name.Contains(w, StringComparison.OrdinalIgnoreCase))) return Redaction.Secret(text);
                return IsUrl(text) ? Redaction.Url(text) : text;
            default:
                return node;
        }
    }

    private static bool IsUrl(string text) =>
        Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" or "ws" or "wss";
}
