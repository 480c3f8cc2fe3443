using BackupMonitor.Configuration;
using BackupMonitor.Domain;
using Microsoft.EntityFrameworkCore;

namespace BackupMonitor.Persistence;

/// <summary>The destinations and routes as stored, plus `admins` when ADMIN_EMAIL_RECIPIENT is set (SPEC §6.2).</summary>
public sealed class DestinationCatalog(BackupMonitorDbContext db, EmailOptions email)
{
    /// <summary>`admins`, built from the settings; null when ADMIN_EMAIL_RECIPIENT is not set.</summary>
    public Destination? Admins => email.Recipients.Count == 0
        ? null
        : new Destination { Name = Destination.Admins, Kind = DestinationKind.Email, Target = string.Join(", ", email.Recipients) };

    public async Task<Dictionary<string, Destination>> DestinationsAsync(CancellationToken cancellationToken)
    {
        var all = await db.Destinations.AsNoTracking().ToDictionaryAsync(d => d.Name, StringComparer.Ordinal, cancellationToken);
        if (Admins is { } admins) all[admins.Name] = admins;
        return all;
    }

    public Task<List<AlertRoute>> RoutesAsync(CancellationToken cancellationToken) =>
        db.Routes.AsNoTracking().OrderBy(r => r.Id).ToListAsync(cancellationToken);
}
