using BackupMonitor.Configuration;
using BackupMonitor.Decisions;
using BackupMonitor.Notifications;

namespace BackupMonitor.Tests.Notifications;

/// <summary>
/// The seed's tests/test_notifier.py `notify_backup_status_change` cases, against the scan's notice planner:
/// subjects and body lines of a notice, exactly as the design document words them (log lines: ScanNotificationTests).
/// </summary>
public sealed class SeedNotifierTests
{
    private static EmailOptions Options(string? host = "smtp.test.com", string language = "fr", bool recovery = true) => new(
        host, 587, "test_user", "test_password", "sender@test.com", ["admin@example.com"], EmailSecurity.StartTls, null, 30, null, recovery, language);

    /// <summary>The seed's mock_job_entry fixture.</summary>
    private static (ExpectedBackupJob Job, BackupEntry Entry) SeedJobAndEntry(BackupEntryStatus status)
    {
        var job = new ExpectedBackupJob
        {
            Id = 1, DatabaseName = "test_db", AgentIdResponsible = "AGENT_XYZ_ABC", CompanyName = "TestCorp", City = "TestCity",
            Neighborhood = "TestNeighborhood", CurrentStatus = status.ToJobStatus(),
        };
        var entry = new BackupEntry
        {
            Id = 101, Status = status, AgentReportTimestampUtc = new DateTime(2025, 6, 15, 10, 0, 0, DateTimeKind.Utc),
            AgentTransferErrorMessage = "Simulated transfer error.", AgentReportedHashSha256 = "hash_agent",
            ServerCalculatedStagedHash = "hash_server", AgentReportedSizeBytes = 12345, ServerCalculatedStagedSize = 54321,
            HashComparisonResult = true, AgentLogsSummary = "Some logs summary.",
        };
        return (job, entry);
    }

    /// <summary>What the outbox holds for one notice: its kind, its `admins` delivery's state, and its message rendered as at delivery.</summary>
    private sealed record Outcome(NoticeKind Kind, DeliveryState State, int BackupEntryId, string Subject, string BodyText);

    /// <summary>The scan's notice planner, fed the facts a scan reads (admins from ADMIN_EMAIL_RECIPIENT, no routes).</summary>
    private sealed class Harness(EmailOptions options) : IDisposable
    {
        private static readonly DateTime Now = new(2025, 6, 15, 11, 0, 0, DateTimeKind.Utc);
        private readonly NoticeRenderer renderer = new(options, new NotificationTemplates(new DeliveryOptions(6, 10, null)));
        private readonly List<PlannedNotice> planned = [];
        private NoticeFacts facts = new(
            new Dictionary<string, Destination> { [Destination.Admins] = new() { Name = Destination.Admins, Kind = DestinationKind.Email, Target = "admin@example.com" } },
            [], options.CanSend, [], new Dictionary<int, DateTime>(), new Dictionary<int, DateTime>());

        public Task<List<Outcome>> NotifyAsync(ExpectedBackupJob job, BackupEntry entry, JobStatus previous, bool changed = true)
        {
            var plan = NoticePlanner.Plan([new RecordedEntry(job, entry, job.CurrentStatus, previous, changed)], facts, AlertOptions.Default, options.NotifyOnRecovery, Now);
            facts = plan.After;
            planned.AddRange(plan.Notices);
            return Task.FromResult(planned.Select(p =>
            {
                p.Notice.BackupEntryId = p.Entry.Id;
                var message = renderer.Render(p.Notice, p.Job, p.Entry);
                return new Outcome(p.Notice.Kind, Assert.Single(p.Notice.Deliveries).State, p.Entry.Id, message.Subject, message.Text);
            }).ToList());
        }

        public void Dispose()
        {
        }
    }

    [Fact]
    public async Task Failed_entry_gets_an_alert_with_the_seed_subject_and_body_lines()
    {
        using var h = new Harness(Options());
        var (job, entry) = SeedJobAndEntry(BackupEntryStatus.Failed);

        var notice = Assert.Single(await h.NotifyAsync(job, entry, JobStatus.Ok));

        Assert.Equal(NoticeKind.Alert, notice.Kind);
        Assert.Equal(DeliveryState.Pending, notice.State);
        Assert.Equal("ALERTE SAUVEGARDE - test_db - FAILED", notice.Subject);
        foreach (var line in new[]
        {
            "Une anomalie a été détectée",
            "Statut de l'entrée     : FAILED",
            "Simulated transfer error.",
            "Statut global du Job   : FAILED",
            "Hachage Attendu (Agent): hash_agent",
            "Hachage Calculé (Serveur): hash_server",
            "Taille Agent (octets)  : 12345",
            "Taille Calculée (Serveur): 54321",
            "Comparaison Hachage    : Non conforme",
            "  ID Job                 : 1",
            "  Nom de la Base de Données : test_db",
            "  Agent Responsable      : AGENT_XYZ_ABC",
            "  Compagnie              : TestCorp",
            "  Ville                  : TestCity",
            "  ID Entrée              : 101",
            "  Horodatage Agent       : 2025-06-15T10:00:00Z",
            "  Message d'erreur Agent : Simulated transfer error.",
            "  Résumé des logs Agent  : Some logs summary.",
        })
            Assert.Contains(line, notice.BodyText);
    }

    [Fact]
    public async Task Hash_mismatch_entry_gets_an_alert_labelled_HASH_MISMATCH()
    {
        using var h = new Harness(Options());
        var (job, entry) = SeedJobAndEntry(BackupEntryStatus.HashMismatch);

        var notice = Assert.Single(await h.NotifyAsync(job, entry, JobStatus.Ok));

        Assert.Equal("ALERTE SAUVEGARDE - test_db - HASH MISMATCH", notice.Subject);
        Assert.Contains("Statut de l'entrée     : HASH_MISMATCH", notice.BodyText);
        Assert.Contains("Statut global du Job   : HASH_MISMATCH", notice.BodyText);
    }

    [Fact]
    public async Task Success_after_success_notifies_nothing()
    {
        using var h = new Harness(Options());
        var (job, entry) = SeedJobAndEntry(BackupEntryStatus.Success);

        Assert.Empty(await h.NotifyAsync(job, entry, JobStatus.Ok, changed: false));
    }

    [Fact]
    public async Task Success_after_a_failure_gets_a_recovery_notice_unless_NOTIFY_ON_RECOVERY_is_false()
    {
        using (var h = new Harness(Options()))
        {
            var (job, entry) = SeedJobAndEntry(BackupEntryStatus.Success);
            entry.HashComparisonResult = false;
            var notice = Assert.Single(await h.NotifyAsync(job, entry, JobStatus.HashMismatch));
            Assert.Equal(NoticeKind.Recovery, notice.Kind);
            Assert.Equal("RÉTABLISSEMENT SAUVEGARDE - test_db", notice.Subject);
            Assert.Contains("(statut précédent : HASH_MISMATCH)", notice.BodyText);
            Assert.Contains("Comparaison Hachage    : Conforme", notice.BodyText);
        }
        using (var h = new Harness(Options(recovery: false)))
        {
            var (job, entry) = SeedJobAndEntry(BackupEntryStatus.Success);
            Assert.Empty(await h.NotifyAsync(job, entry, JobStatus.Failed));
        }
    }

    [Fact]
    public async Task Missing_settings_keep_notices_skipped()
    {
        using var h = new Harness(Options(host: null));
        var (job, entry) = SeedJobAndEntry(BackupEntryStatus.Missing);
        entry.AgentReportTimestampUtc = null;
        entry.HashComparisonResult = null;
        entry.AgentTransferErrorMessage = null;

        await h.NotifyAsync(job, entry, JobStatus.Ok);
        var (job2, entry2) = SeedJobAndEntry(BackupEntryStatus.Failed);
        entry2.Id = 102;
        var notices = await h.NotifyAsync(job2, entry2, JobStatus.Missing);

        Assert.Equal(2, notices.Count);
        Assert.All(notices, n => Assert.Equal(DeliveryState.Skipped, n.State));
        var missing = notices.Single(n => n.BackupEntryId == 101).BodyText;
        Assert.Contains("  Horodatage Agent       : N/A", missing);
        Assert.Contains("  Message d'erreur Agent : Aucun message spécifique de l'agent.", missing);
        Assert.Contains("  Comparaison Hachage    : N/A", missing);
    }

    [Fact]
    public async Task English_texts_with_NOTIFICATION_LANGUAGE_en()
    {
        using var h = new Harness(Options(language: "en"));
        var (job, entry) = SeedJobAndEntry(BackupEntryStatus.TransferIntegrityFailed);

        var notice = Assert.Single(await h.NotifyAsync(job, entry, JobStatus.Ok));

        Assert.Equal("BACKUP ALERT - test_db - TRANSFER INTEGRITY FAILED", notice.Subject);
        Assert.Contains("  Entry status           : TRANSFER_INTEGRITY_FAILED", notice.BodyText);
        Assert.Contains("  Hash comparison        : Mismatch", notice.BodyText);
        Assert.DoesNotContain("{", notice.BodyText);
    }

    [Fact]
    public void Security_none_is_refused_unless_the_host_is_loopback()
    {
        Settings Read(string host) => TestSettings.Parse(new Dictionary<string, string?> { ["EMAIL_HOST"] = host, ["EMAIL_SECURITY"] = "none" });

        var refused = Assert.Throws<SettingsException>(() => Read("smtp.example.com"));
        Assert.StartsWith("EMAIL_SECURITY:", refused.Message);
        Assert.Contains("smtp.example.com", refused.Message);
        Assert.Equal(EmailSecurity.None, Read("127.0.0.1").Email.Security);
        Assert.Equal(EmailSecurity.None, Read("localhost").Email.Security);
        Assert.Equal(EmailSecurity.None, Read("::1").Email.Security);
    }
}
