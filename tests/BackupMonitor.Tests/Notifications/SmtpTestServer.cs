using System.Diagnostics;
using System.Net.Sockets;
using BackupMonitor.Tests.Support;
using MimeKit;

namespace BackupMonitor.Tests.Notifications;

/// <summary>
/// A real SMTP server on loopback (Debian's python3-aiosmtpd, smtp_test_server.py) with STARTTLS and AUTH
/// required, and a certificate from a throwaway CA. It stores what it accepts as files; tests read them back.
/// </summary>
public sealed class SmtpTestServer : IAsyncDisposable
{
    public const string User = "alerts@backup.test";
    public const string Password = "S3cret-Pa55-do-not-print";
    private const string Python = "/usr/bin/python3";

    private readonly string folder;
    private readonly SmtpTestCertificates.Pair certificate;
    private Process? process;

    private SmtpTestServer(string folder, int port, SmtpTestCertificates.Pair certificate)
    {
        this.folder = folder;
        Port = port;
        this.certificate = certificate;
    }

    public int Port { get; }
    public string MailDir => Path.Combine(folder, "mail");
    public string EventsFile => Path.Combine(folder, "events.log");

    /// <summary>Starts a server whose certificate comes from the trusted test CA (or from another, untrusted CA).</summary>
    public static async Task<SmtpTestServer> StartAsync(bool certificateFromOtherCa = false)
    {
        var certificates = SmtpTestCertificates.Instance;
        var folder = Directory.CreateTempSubdirectory("bm-smtp-").FullName;
        var server = new SmtpTestServer(folder, Loopback.FreePort(), certificateFromOtherCa ? certificates.Untrusted : certificates.Trusted);
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>The PEM of the CA that signed the normal server certificate: EMAIL_CA_CERT_PATH.</summary>
    public static string CaCertPath => SmtpTestCertificates.Instance.TrustedCaPath;

    /// <summary>Settings that make the program send to this server.</summary>
    public Dictionary<string, string?> Settings(string password = Password) => new()
    {
        ["EMAIL_HOST"] = "localhost",
        ["EMAIL_PORT"] = Port.ToString(),
        ["EMAIL_USERNAME"] = User,
        ["EMAIL_PASSWORD"] = password,
        ["EMAIL_SENDER"] = "backupmonitor@backup.test",
        ["ADMIN_EMAIL_RECIPIENT"] = "admin1@backup.test, admin2@backup.test",
        ["EMAIL_CA_CERT_PATH"] = CaCertPath,
        ["EMAIL_TIMEOUT_SECONDS"] = "10",
    };

    public async Task StartAgainAsync()
    {
        if (process is not null) throw new InvalidOperationException("the test SMTP server is already running");
        RequireAiosmtpd();
        var script = Path.Combine(AppContext.BaseDirectory, "Notifications", "smtp_test_server.py");
        var start = new ProcessStartInfo(Python)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { script, "--port", Port.ToString(), "--cert", certificate.CertPath, "--key", certificate.KeyPath,
                     "--user", User, "--password", Password, "--maildir", MailDir, "--events", EventsFile })
            start.ArgumentList.Add(arg);
        var started = Process.Start(start) ?? throw new InvalidOperationException("could not start the test SMTP server");
        var stderr = started.StandardError.ReadToEndAsync();
        var ready = started.StandardOutput.ReadLineAsync();
        if (await Task.WhenAny(ready, Task.Delay(TimeSpan.FromSeconds(20))) != ready || await ready != "READY")
        {
            started.Kill(entireProcessTree: true);
            await started.WaitForExitAsync();
            throw new InvalidOperationException($"the test SMTP server did not start on port {Port}: {await stderr}");
        }
        process = started;
    }

    /// <summary>Stops the server (as an outage would); <see cref="StartAgainAsync"/> brings it back on the same port.</summary>
    public async Task StopAsync()
    {
        if (process is null) return;
        process.StandardInput.Close();
        if (!process.WaitForExit(10_000)) process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        process.Dispose();
        process = null;
    }

    /// <summary>Every message the server accepted, oldest first.</summary>
    public IReadOnlyList<(MimeMessage Message, string[] Envelope)> Received() =>
        Directory.Exists(MailDir)
            ? Directory.EnumerateFiles(MailDir, "*.eml").Order(StringComparer.Ordinal)
                .Select(f => (MimeMessage.Load(f), File.ReadAllLines(Path.ChangeExtension(f, ".envelope")))).ToList()
            : [];

    public IReadOnlyList<string> Events() => File.Exists(EventsFile) ? File.ReadAllLines(EventsFile) : [];

    /// <summary>
    /// The server logs a closed connection after the client has already returned (and the readiness probe left
    /// a "closed" of its own): wait, bounded, until the last QUIT is followed by its "closed".
    /// </summary>
    public async Task<IReadOnlyList<string>> EventsAfterCloseAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            var events = Events().ToList();
            var quit = events.LastIndexOf("quit");
            if (quit >= 0 && events.LastIndexOf("closed") > quit) return events;
            await Task.Delay(20);
        }
        return Events();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
    }

    private static void RequireAiosmtpd()
    {
        var check = Process.Start(new ProcessStartInfo(Python, ["-c", "import aiosmtpd"]) { RedirectStandardError = true, UseShellExecute = false });
        if (check is null || !check.WaitForExit(20_000) || check.ExitCode != 0)
            throw new InvalidOperationException(
                "The e-mail tests need a real SMTP server: Debian's python3-aiosmtpd for /usr/bin/python3 is missing. " +
                "Install it with: apt-get install -y --no-install-recommends python3-aiosmtpd");
    }

}

/// <summary>Two throwaway CAs made with openssl, each with a server certificate for localhost / 127.0.0.1.</summary>
public sealed class SmtpTestCertificates
{
    public sealed record Pair(string CertPath, string KeyPath);

    private static readonly Lazy<SmtpTestCertificates> Made = new(() => new SmtpTestCertificates());

    public static SmtpTestCertificates Instance => Made.Value;

    public string TrustedCaPath { get; }
    public Pair Trusted { get; }
    public Pair Untrusted { get; }

    private SmtpTestCertificates()
    {
        var folder = Directory.CreateTempSubdirectory("bm-smtp-ca-").FullName;
        TrustedCaPath = MakeCa(folder, "trusted-ca");
        Trusted = MakeServer(folder, "trusted-ca", "server");
        MakeCa(folder, "other-ca");
        Untrusted = MakeServer(folder, "other-ca", "other-server");
    }

    private static string MakeCa(string folder, string name)
    {
        OpenSsl(folder, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", $"{name}.key", "-out", $"{name}.pem", "-days", "3",
            "-subj", $"/CN=BackupMonitor test {name}", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        return Path.Combine(folder, $"{name}.pem");
    }

    private static Pair MakeServer(string folder, string ca, string name)
    {
        File.WriteAllText(Path.Combine(folder, $"{name}.ext"),
            "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n");
        OpenSsl(folder, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", $"{name}.key", "-out", $"{name}.csr", "-subj", "/CN=localhost");
        OpenSsl(folder, "x509", "-req", "-in", $"{name}.csr", "-CA", $"{ca}.pem", "-CAkey", $"{ca}.key", "-CAcreateserial",
            "-out", $"{name}.pem", "-days", "2", "-extfile", $"{name}.ext");
        return new Pair(Path.Combine(folder, $"{name}.pem"), Path.Combine(folder, $"{name}.key"));
    }

    private static void OpenSsl(string folder, params string[] args)
    {
        var start = new ProcessStartInfo("openssl", args) { WorkingDirectory = folder, RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("openssl could not start");
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"openssl {string.Join(' ', args)} failed: {error}");
    }
}
