namespace BackupMonitor.Configuration;

/// <summary>The outbox's settings for every destination kind (SPEC §6.4, §7).</summary>
public sealed record DeliveryOptions(int MaxAttempts, int WebhookTimeoutSeconds, string? TemplatesDirectory)
{
    internal static DeliveryOptions Read(SettingReader settings)
    {
        // EMAIL_MAX_ATTEMPTS is the older name; DELIVERY_MAX_ATTEMPTS wins when both are set.
        var maxAttempts = settings.Text("DELIVERY_MAX_ATTEMPTS") is not null
            ? settings.Int("DELIVERY_MAX_ATTEMPTS", 6, 1, 1000)
            : settings.Int("EMAIL_MAX_ATTEMPTS", 6, 1, 1000);
        var templates = settings.Text("TEMPLATES_DIRECTORY") is { } folder ? Path.GetFullPath(folder) : null;
        if (templates is not null && !Directory.Exists(templates))
            throw new SettingsException($"TEMPLATES_DIRECTORY: expected an existing folder, '{templates}' does not exist");
        return new DeliveryOptions(maxAttempts, settings.Int("WEBHOOK_TIMEOUT_SECONDS", 10, 1, 600), templates);
    }
}
