using BackupMonitor.Configuration;
using BackupMonitor.Notifications;

namespace BackupMonitor.Tests.Notifications;

/// <summary>The seed's send_email_notification cases, against a real SMTP server with STARTTLS and AUTH.</summary>
public sealed class SmtpMailTransportTests
{
    private static EmailOptions Options(SmtpTestServer server, string password = SmtpTestServer.Password, string? caPath = null, int port = 0) => new(
        "localhost", port == 0 ? server.Port : port, SmtpTestServer.User, password, "backupmonitor@backup.test", ["admin@backup.test"],
        EmailSecurity.StartTls, caPath ?? SmtpTestServer.CaCertPath, 10, null, true, "fr");

    private static MimeKit.MimeMessage Message(EmailOptions options) =>
        NoticeMessage.Build(options, "Test Subject", "Test Body é\n", null);

    [Fact]
    public async Task Send_succeeds_over_starttls_with_auth_and_closes_the_connection()
    {
        await using var server = await SmtpTestServer.StartAsync();
        var options = Options(server);

        await new SmtpMailTransport(options).SendOneAsync(Message(options), CancellationToken.None);

        var (message, envelope) = Assert.Single(server.Received());
        Assert.Equal("Test Subject", message.Subject);
        Assert.Contains("RCPT TO: admin@backup.test", envelope);
        Assert.Equal(["auth ok", "quit", "closed"], (await server.EventsAfterCloseAsync()).TakeLast(3));
    }

    [Fact]
    public async Task Auth_failure_raises_NotificationException_and_still_closes_the_connection()
    {
        await using var server = await SmtpTestServer.StartAsync();
        var options = Options(server, password: "wrong-password");

        var error = await Assert.ThrowsAsync<NotificationException>(() => new SmtpMailTransport(options).SendOneAsync(Message(options), CancellationToken.None));

        Assert.True(error.Failure == NotificationFailure.Auth, error.Message);
        Assert.StartsWith("auth:", error.Message);
        Assert.DoesNotContain("wrong-password", error.Message);
        Assert.Empty(server.Received());
        // MailKit may try several mechanisms, each refused; then it must still QUIT and close.
        var events = await server.EventsAfterCloseAsync();
        Assert.DoesNotContain("auth ok", events);
        Assert.Contains("auth refused", events);
        Assert.Equal(["auth refused", "quit", "closed"], events.TakeLast(3));
    }

    [Fact]
    public async Task Certificate_from_another_CA_is_refused_and_nothing_is_sent()
    {
        await using var server = await SmtpTestServer.StartAsync(certificateFromOtherCa: true);
        var options = Options(server);

        var error = await Assert.ThrowsAsync<NotificationException>(() => new SmtpMailTransport(options).SendOneAsync(Message(options), CancellationToken.None));

        Assert.Equal(NotificationFailure.Certificate, error.Failure);
        Assert.Contains("EMAIL_CA_CERT_PATH", error.Message);
        Assert.Empty(server.Received());
        Assert.DoesNotContain("auth ok", server.Events());
        Assert.DoesNotContain("auth refused", server.Events());
    }

    [Fact]
    public async Task Without_the_extra_CA_the_private_certificate_is_refused()
    {
        await using var server = await SmtpTestServer.StartAsync();
        var options = Options(server) with { CaCertPath = null };

        var error = await Assert.ThrowsAsync<NotificationException>(() => new SmtpMailTransport(options).SendOneAsync(Message(options), CancellationToken.None));

        Assert.Equal(NotificationFailure.Certificate, error.Failure);
        Assert.Empty(server.Received());
    }

    [Fact]
    public async Task No_server_listening_is_a_connect_failure_and_an_unknown_host_a_dns_failure()
    {
        await using var server = await SmtpTestServer.StartAsync();
        var port = server.Port;
        await server.StopAsync();
        var options = Options(server, port: port);

        var refused = await Assert.ThrowsAsync<NotificationException>(() => new SmtpMailTransport(options).SendOneAsync(Message(options), CancellationToken.None));
        Assert.Equal(NotificationFailure.Connect, refused.Failure);

        var unknown = options with { Host = "no-such-host.invalid" };
        var dns = await Assert.ThrowsAsync<NotificationException>(() => new SmtpMailTransport(unknown).SendOneAsync(Message(unknown), CancellationToken.None));
        Assert.Equal(NotificationFailure.Dns, dns.Failure);
    }

    [Fact]
    public async Task Pickup_directory_writes_an_eml_file_instead_of_using_smtp()
    {
        var folder = Directory.CreateTempSubdirectory("bm-pickup-").FullName;
        try
        {
            var options = new EmailOptions(null, 587, null, null, "a@b.test", ["c@d.test"], EmailSecurity.StartTls, null, 10, folder, true, "fr");
            await new PickupDirectoryTransport(folder, TestClock.New()).SendOneAsync(NoticeMessage.Build(options, "Sujet é", "Corps\n", "<p>Corps</p>"), CancellationToken.None);

            var file = Assert.Single(Directory.GetFiles(folder));
            Assert.EndsWith(".eml", file);
            var message = MimeKit.MimeMessage.Load(file);
            Assert.Equal("Sujet é", message.Subject);
            Assert.Equal("Corps\n", message.TextBody);
            Assert.Equal("<p>Corps</p>", message.HtmlBody);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
