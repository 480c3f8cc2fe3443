namespace BackupMonitor.Configuration;

public enum EmailSecurity { StartTls, Ssl, None }

/// <summary>SMTP and alerting settings (SPEC §6). The password is kept out of ToString so it never reaches a log.</summary>
public sealed record EmailOptions(
    string? Host,
    int Port,
    string? Username,
    string? Password,
    string? Sender,
    IReadOnlyList<string> Recipients,
    EmailSecurity Security,
    string? CaCertPath,
    int TimeoutSeconds,
    string? PickupDirectory,
    bool NotifyOnRecovery,
    string Language)
{
    internal static EmailOptions Read(SettingReader settings)
    {
        var security = settings.OneOf("EMAIL_SECURITY", "starttls", "starttls", "ssl", "none") switch
        {
            "ssl" => EmailSecurity.Ssl,
            "none" => EmailSecurity.None,
            _ => EmailSecurity.StartTls,
        };
        var host = settings.Text("EMAIL_HOST");
        if (security == EmailSecurity.None && host is not null && !IsLoopback(host))
            throw new SettingsException($"EMAIL_SECURITY: 'none' (plain text, password and alerts readable on the network) is allowed only when EMAIL_HOST is a loopback address (localhost, 127.0.0.1, ::1), got '{host}'; use starttls or ssl");
        var caPath = settings.Text("EMAIL_CA_CERT_PATH");
        if (caPath is not null && !File.Exists(caPath))
            throw new SettingsException($"EMAIL_CA_CERT_PATH: expected a readable PEM file, '{caPath}' does not exist");
        return new EmailOptions(
            host,
            settings.Int("EMAIL_PORT", 587, 1, 65_535),
            settings.Text("EMAIL_USERNAME"),
            settings.Text("EMAIL_PASSWORD"),
            settings.Text("EMAIL_SENDER"),
            settings.List("ADMIN_EMAIL_RECIPIENT"),
            security,
            caPath,
            settings.Int("EMAIL_TIMEOUT_SECONDS", 30, 1, 600),
            settings.Text("EMAIL_PICKUP_DIRECTORY") is { } pickup ? Path.GetFullPath(pickup) : null,
            settings.Bool("NOTIFY_ON_RECOVERY", true),
            settings.OneOf("NOTIFICATION_LANGUAGE", "fr", "fr", "en"));
    }

    /// <summary>Whether e-mail can be sent at all: a sender, and an SMTP host or a pickup folder (SPEC §6.4).</summary>
    public bool CanSend => Sender is not null && (Host is not null || PickupDirectory is not null);

    private static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (System.Net.IPAddress.TryParse(host.Trim('[', ']'), out var address) && System.Net.IPAddress.IsLoopback(address));

    public override string ToString() =>
        $"EmailOptions {{ Host = {Host}, Port = {Port}, Username = {Username}, Password = {(Password is null ? "(none)" : "***")}, Sender = {Sender}, Security = {Security} }}";
}
