using System.Net;
using BackupMonitor.Configuration;
using BackupMonitor.Notifications;

namespace BackupMonitor.Tests.Notifications;

/// <summary>
/// Every embedded template rendered for the seed's fixture, compared byte for byte with the texts the program sent
/// before templates moved to Liquid (Golden/): the design document's French wording, and the English, stay as they were.
/// </summary>
public sealed class TemplateGoldenTests
{
    private static string GoldenFolder => Path.Combine(AppContext.BaseDirectory, "Notifications", "Golden");

    internal static EmailOptions Options(string language) =>
        new("smtp.test.com", 587, null, null, "sender@test.com", ["admin@example.com"], EmailSecurity.StartTls, null, 30, null, true, language);

    internal static (Notice Notice, ExpectedBackupJob Job, BackupEntry Entry) Sample(NoticeKind kind, bool withNulls)
    {
        var status = kind == NoticeKind.Alert ? BackupEntryStatus.HashMismatch : BackupEntryStatus.Success;
        var job = new ExpectedBackupJob
        {
            Id = 1, DatabaseName = "test_db", AgentIdResponsible = "AGENT_XYZ_ABC", CompanyName = "TestCorp", City = "TestCity",
            Neighborhood = "TestNeighborhood", CurrentStatus = status.ToJobStatus(),
        };
        var entry = new BackupEntry
        {
            Id = 101, Status = status, AgentReportTimestampUtc = new DateTime(2025, 6, 15, 10, 0, 0, DateTimeKind.Utc),
            AgentTransferErrorMessage = "Simulated transfer error.", ErrorMessage = "hash differs", AgentReportedHashSha256 = "AB" + new string('c', 62),
            ServerCalculatedStagedHash = new string('d', 64), AgentReportedSizeBytes = 12345, ServerCalculatedStagedSize = 54321,
            HashComparisonResult = kind == NoticeKind.Alert, AgentLogsSummary = "Some logs summary.",
        };
        if (withNulls)
        {
            entry = new BackupEntry { Id = 102, Status = kind == NoticeKind.Alert ? BackupEntryStatus.Missing : BackupEntryStatus.Success, ExpectedCycleUtc = new DateTime(2025, 6, 15, 2, 0, 0, DateTimeKind.Utc) };
        }
        var notice = new Notice
        {
            Id = 7, Kind = kind, BackupEntryId = entry.Id, ExpectedJobId = 1, JobStatus = entry.Status.ToJobStatus(),
            PreviousJobStatus = kind == NoticeKind.Alert ? JobStatus.Ok : JobStatus.HashMismatch,
        };
        return (notice, job, entry);
    }

    internal static NoticeRenderer Renderer(string language, string? templatesDirectory = null) =>
        new(Options(language), new NotificationTemplates(new DeliveryOptions(6, 10, templatesDirectory)));

    public static TheoryData<string, string, bool> Cases()
    {
        var data = new TheoryData<string, string, bool>();
        foreach (var kind in new[] { "alert", "recovery" })
            foreach (var language in new[] { "fr", "en" })
                foreach (var nulls in new[] { false, true })
                    data.Add(kind, language, nulls);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Embedded_templates_render_exactly_the_texts_sent_before(string kind, string language, bool withNulls)
    {
        var (notice, job, entry) = Sample(kind == "alert" ? NoticeKind.Alert : NoticeKind.Recovery, withNulls);
        var message = Renderer(language).Render(notice, job, entry);

        var name = $"{kind}.{language}{(withNulls ? ".nulls" : "")}";
        var golden = Path.Combine(GoldenFolder, name);
        Assert.Equal(File.ReadAllText(golden + ".subject"), message.Subject);
        Assert.Equal(File.ReadAllText(golden + ".txt"), message.Text);
        // Same page once decoded (letters are no longer written as numeric character references).
        Assert.Equal(WebUtility.HtmlDecode(File.ReadAllText(golden + ".html")), WebUtility.HtmlDecode(message.Html));
    }
}
