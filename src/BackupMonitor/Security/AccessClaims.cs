using System.Security.Claims;
using BackupMonitor.Decisions;

namespace BackupMonitor.Security;

/// <summary>The caller as claims of the signed-in principal (bearer key or dashboard session), and back.</summary>
public static class AccessClaims
{
    public const string ActorClaim = "backupmonitor_actor";
    public const string RoleClaim = "backupmonitor_role";
    public const string CompanyClaim = "backupmonitor_company";
    /// <summary>Hex SHA-256 of the key: the dashboard's session keeps it, never the key, to check the key on every request.</summary>
    public const string FingerprintClaim = "backupmonitor_key";

    public static ClaimsIdentity Identity(AccessCaller caller, string scheme, string? fingerprint = null)
    {
        var claims = new List<Claim> { new(ActorClaim, caller.Actor), new(RoleClaim, Decisions.Access.Wire(caller.Role)) };
        claims.AddRange(caller.Companies.Select(c => new Claim(CompanyClaim, c)));
        if (fingerprint is not null) claims.Add(new Claim(FingerprintClaim, fingerprint));
        return new ClaimsIdentity(claims, scheme);
    }

    /// <summary>The caller this principal stands for; null when it is not signed in with a key.</summary>
    public static AccessCaller? Caller(this ClaimsPrincipal user)
    {
        if (user.Identity?.IsAuthenticated != true) return null;
        var actor = user.FindFirst(ActorClaim)?.Value;
        if (actor is null || !Decisions.Access.TryParseRole(user.FindFirst(RoleClaim)?.Value, out var role)) return null;
        return new AccessCaller(actor, role, user.FindAll(CompanyClaim).Select(c => c.Value).ToList());
    }

    /// <summary>Whether the principal may do this action at all (no particular target): what pages ask to show a button.</summary>
    public static bool May(this ClaimsPrincipal user, AccessAction action) =>
        user.Caller() is { } caller && Decisions.Access.Decide(caller, action, AccessTarget.None) == AccessDecision.Allow;
}
