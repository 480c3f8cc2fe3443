using BackupMonitor.Domain;

namespace BackupMonitor.Contracts;

/// <summary>A key as `keys list` and `GET /api/keys` show it: never the key, nor its fingerprint.</summary>
public sealed record KeyView(int Id, string Name, string Role, IReadOnlyList<string> Companies, DateTime CreatedAtUtc, DateTime? LastUsedAtUtc, DateTime? RevokedAtUtc)
{
    public static KeyView Of(AccessKey k) =>
        new(k.Id, k.Name, Decisions.Access.Wire(k.Role), k.CompanyList, k.CreatedAtUtc, k.LastUsedAtUtc, k.RevokedAtUtc);
}

/// <summary>`keys add` and `POST /api/keys`: the key with the one copy of its secret.</summary>
public sealed record NewKeyView(int Id, string Name, string Role, IReadOnlyList<string> Companies, DateTime CreatedAtUtc, string Key);

/// <summary>An audit event (SPEC §11): `changes` is the JSON object recorded, secrets already masked.</summary>
public sealed record AuditView(long Id, DateTime AtUtc, string Actor, string Action, string Target, System.Text.Json.Nodes.JsonNode? Changes)
{
    public static AuditView Of(AuditEvent a) =>
        new(a.Id, a.AtUtc, a.Actor, a.Action, a.Target, a.Changes is null ? null : System.Text.Json.Nodes.JsonNode.Parse(a.Changes));
}
