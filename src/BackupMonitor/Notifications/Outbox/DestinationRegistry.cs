using System.Text.RegularExpressions;
using BackupMonitor.Decisions;
using BackupMonitor.Domain;
using BackupMonitor.Notifications.Channels;
using BackupMonitor.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BackupMonitor.Notifications;

/// <summary>Why a destination or route request cannot be done: a bad field (400, exit 1), an unknown name or id (404), a taken name (409).</summary>
public sealed class RoutingRequestException(RoutingProblem problem, string field, string message) : Exception($"{field}: {message}")
{
    public RoutingProblem Problem { get; } = problem;
    public string Field { get; } = field;
    public string Detail { get; } = message;
}

public enum RoutingProblem { BadField, NotFound, Conflict }

/// <summary>Adds, lists, removes and tests destinations (SPEC §6.2, §8, §9), and manages their routes.</summary>
public sealed partial class DestinationRegistry(
    BackupMonitorDbContext db, DestinationCatalog catalog, IEnumerable<IChannel> channels, NoticeRenderer renderer, EmailSwitch email, TimeProvider time,
    Security.AuditTrail audit)
{
    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$")]
    private static partial Regex NamePattern();

    public static readonly IReadOnlyList<string> KindNames = Enum.GetValues<DestinationKind>().Select(k => k.ToString().ToLowerInvariant()).ToArray();

    public async Task<Destination> AddAsync(string? name, string? kind, string? target, string? secret, CancellationToken cancellationToken)
    {
        if (name is null || !NamePattern().IsMatch(name)) throw Bad("name", $"must match ^[a-z0-9][a-z0-9_-]{{0,63}}$, got '{name}'");
        if (name == Destination.Admins) throw Bad("name", "'admins' is built from ADMIN_EMAIL_RECIPIENT and cannot be added");
        var chosen = Enum.GetValues<DestinationKind>().Where(k => k.ToString().Equals(kind, StringComparison.OrdinalIgnoreCase)).ToList();
        if (chosen.Count == 0) throw Bad("kind", $"must be one of {string.Join(", ", KindNames)}, got '{kind}'");
        target = target?.Trim();
        if (string.IsNullOrEmpty(target)) throw Bad("target", "is required");
        if (chosen[0] == DestinationKind.Email)
        {
            foreach (var address in EmailChannel.Recipients(target))
                if (!MimeKit.MailboxAddress.TryParse(address, out _) || !address.Contains('@')) throw Bad("target", $"'{address}' is not an e-mail address");
        }
        else if (!Uri.TryCreate(target, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw Bad("target", $"must be an http(s) URL for kind {chosen[0].ToString().ToLowerInvariant()}");
        if (await db.Destinations.AnyAsync(d => d.Name == name, cancellationToken))
            throw new RoutingRequestException(RoutingProblem.Conflict, "name", $"a destination named '{name}' exists already");
        var destination = new Destination { Name = name, Kind = chosen[0], Target = target, Secret = string.IsNullOrEmpty(secret) ? null : secret, CreatedAtUtc = time.UtcNow() };
        db.Destinations.Add(destination);
        // The target as `destinations list` shows it: a URL's path and query may be its token.
        audit.Record("destination.add", $"destination:{name}", new
        {
            name, kind = chosen[0].ToString().ToLowerInvariant(), target = Channels.Redaction.Target(destination), secret = Channels.Redaction.Secret(destination.Secret),
        });
        await db.SaveChangesAsync(cancellationToken);
        return destination;
    }

    /// <summary>Every destination, `admins` first when it exists.</summary>
    public async Task<List<Destination>> ListAsync(CancellationToken cancellationToken)
    {
        var stored = await db.Destinations.AsNoTracking().OrderBy(d => d.Name).ToListAsync(cancellationToken);
        return catalog.Admins is { } admins ? [admins, .. stored] : stored;
    }

    /// <summary>Removes a destination and its routes; its past deliveries stay in the outbox.</summary>
    public async Task RemoveAsync(string name, CancellationToken cancellationToken)
    {
        if (name == Destination.Admins) throw Bad("name", "'admins' comes from ADMIN_EMAIL_RECIPIENT: unset that setting instead");
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var routes = await db.Routes.Where(r => r.Destination == name).ExecuteDeleteAsync(cancellationToken);
        if (await db.Destinations.Where(d => d.Name == name).ExecuteDeleteAsync(cancellationToken) == 0)
            throw new RoutingRequestException(RoutingProblem.NotFound, "name", $"no destination named '{name}'");
        audit.Record("destination.remove", $"destination:{name}", new { routes_removed = routes });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Sends a test message now; returns null when the destination accepted it, else why not.</summary>
    public async Task<string?> TestAsync(string name, CancellationToken cancellationToken)
    {
        var destinations = await catalog.DestinationsAsync(cancellationToken);
        if (!destinations.TryGetValue(name, out var destination))
            throw new RoutingRequestException(RoutingProblem.NotFound, "name", $"no destination named '{name}'");
        if (destination.Kind == DestinationKind.Email && !email.IsEnabled)
            return "e-mail is not configured: set EMAIL_HOST (or EMAIL_PICKUP_DIRECTORY) and EMAIL_SENDER";
        var now = time.UtcNow();
        var notice = new OutgoingNotice(0, 0, "test", null, null, now, renderer.RenderTest(now));
        try
        {
            await using var session = await channels.Single(c => c.Kind == destination.Kind).OpenAsync(destination, cancellationToken);
            await session.SendAsync(notice, cancellationToken);
            return null;
        }
        catch (DeliveryException e)
        {
            return e.Message;
        }
    }

    public async Task<AlertRoute> AddRouteAsync(string? destination, string? company, string? city, string? agent, string? database,
        IReadOnlyList<string>? statuses, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(destination)) throw Bad("destination", "is required");
        if (destination == Destination.Admins) throw Bad("destination", "'admins' receives every notice already");
        if (!await db.Destinations.AnyAsync(d => d.Name == destination, cancellationToken))
            throw Bad("destination", $"no destination named '{destination}' (add it first with `destinations add`)");
        var wanted = (statuses ?? []).SelectMany(s => NoticeRouting.ParseStatuses(s)).Distinct().ToList();
        foreach (var status in wanted)
            if (!NoticeRouting.RoutableStatuses.Contains(status))
                throw Bad("statuses", $"'{status}' is not one of {string.Join(", ", NoticeRouting.RoutableStatuses)}");
        var route = new AlertRoute
        {
            Destination = destination, Company = Blank(company), City = Blank(city), Agent = Blank(agent), Database = Blank(database),
            Statuses = wanted.Count == 0 ? null : string.Join(',', wanted), CreatedAtUtc = time.UtcNow(),
        };
        db.Routes.Add(route);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.SaveChangesAsync(cancellationToken); // the route's id names the audit's target
        audit.Record("route.add", $"route:{route.Id}", new
        {
            destination, company = route.Company, city = route.City, agent = route.Agent, database = route.Database, statuses = wanted,
        });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return route;
    }

    public Task<List<AlertRoute>> RoutesAsync(CancellationToken cancellationToken) => catalog.RoutesAsync(cancellationToken);

    public async Task RemoveRouteAsync(int id, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await db.Routes.Where(r => r.Id == id).ExecuteDeleteAsync(cancellationToken) == 0)
            throw new RoutingRequestException(RoutingProblem.NotFound, "id", $"no route {id}");
        audit.Record("route.remove", $"route:{id}");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static RoutingRequestException Bad(string field, string message) => new(RoutingProblem.BadField, field, message);
}
