using System.Globalization;
using BackupMonitor.Security;
using BackupMonitor.Contracts;
using BackupMonitor.Decisions;
using BackupMonitor.Domain;
using BackupMonitor.Notifications;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BackupMonitor.Api;

/// <summary>`/api/keys` and `/api/audit` (SPEC §9, §11): admin keys only.</summary>
public static class KeysApi
{
    public sealed record KeyRequest(string? Name, string? Role, IReadOnlyList<string>? Companies);

    public static void MapKeysApi(this IEndpointRouteBuilder api)
    {
        var keys = api.MapGroup("/keys").WithTags("Keys");
        keys.MapGet("", async (KeyRegistry registry, CancellationToken ct) =>
            TypedResults.Ok((await registry.ListAsync(ct)).Select(KeyView.Of).ToList())).Asks(AccessAction.ReadKeys);
        keys.MapPost("", (KeyRequest body, KeyRegistry registry, CancellationToken ct) => ApiProblems.OrRefusal(async () =>
        {
            var (key, secret) = await registry.AddAsync(body.Name, body.Role, body.Companies, ct);
            return TypedResults.Created($"/api/keys/{key.Id}",
                new NewKeyView(key.Id, key.Name, Decisions.Access.Wire(key.Role), key.CompanyList, key.CreatedAtUtc, secret));
        })).Asks(AccessAction.ManageKeys);
        keys.MapDelete("/{id:int}", (int id, KeyRegistry registry, CancellationToken ct) =>
            ApiProblems.OrRefusal(async () => { await registry.RevokeAsync(id, ct); return TypedResults.NoContent(); })).Asks(AccessAction.ManageKeys);
    }

    /// <summary>`GET /api/audit[?since=&amp;actor=&amp;limit=]`, newest first.</summary>
    public static void MapAuditApi(this IEndpointRouteBuilder api) =>
        api.MapGet("/audit", async (string? since, string? actor, string? limit, AuditTrail audit, CancellationToken ct) =>
        {
            DateTime? from = null;
            if (since is not null)
            {
                if (!DateTimeOffset.TryParse(since, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
                    return (IResult)ApiProblems.BadField("since", $"expected an ISO 8601 time such as 2026-12-05T22:00:00Z, got '{since}'");
                from = Timestamps.Normalize(parsed.UtcDateTime);
            }
            var size = AuditTrail.DefaultLimit;
            if (limit is not null && (!int.TryParse(limit, out size) || size < 1 || size > AuditTrail.MaxLimit))
                return ApiProblems.BadField("limit", $"must be an integer from 1 to {AuditTrail.MaxLimit}, got '{limit}'");
            return TypedResults.Ok((await audit.ListAsync(from, actor, size, ct)).Select(AuditView.Of).ToList());
        }).WithTags("Audit").Asks(AccessAction.ReadAudit);
}
