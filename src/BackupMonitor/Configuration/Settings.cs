using Microsoft.Extensions.Configuration;

namespace BackupMonitor.Configuration;

/// <summary>All settings of SPEC §7, read once and validated before any work starts.</summary>
public sealed record Settings(
    StorageOptions Storage,
    DatabaseOptions Database,
    ScanOptions Scan,
    EmailOptions Email,
    ContentOptions Content,
    IReadOnlyList<string> ApiKeys,
    IReadOnlyList<string> ApiReadKeys,
    DeliveryOptions Delivery,
    AlertOptions Alerts,
    ReportOptions Reports,
    DrillOptions Drills,
    AgentPushOptions AgentPush,
    RetentionOptions Retention)
{
    /// <summary>Throws <see cref="SettingsException"/> naming the first bad setting.</summary>
    public static Settings From(IConfiguration configuration)
    {
        var reader = new SettingReader(configuration);
        var storage = StorageOptions.Read(reader);
        return new Settings(
            storage,
            DatabaseOptions.Read(reader, storage),
            ScanOptions.Read(reader),
            EmailOptions.Read(reader),
            ContentOptions.Read(reader),
            reader.List("API_KEYS"),
            reader.List("API_READ_KEYS"),
            DeliveryOptions.Read(reader),
            AlertOptions.Read(reader),
            ReportOptions.Read(reader),
            DrillOptions.Read(reader),
            AgentPushOptions.Read(reader),
            RetentionOptions.Read(reader));
    }

    /// <summary>appsettings.json, overridden by environment variables, overridden by `--KEY=value` arguments.</summary>
    public static IConfiguration BuildConfiguration(
        IReadOnlyDictionary<string, string?> commandLineSettings,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var builder = new ConfigurationBuilder();
        builder.AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"), optional: true);
        if (environment is null) builder.AddEnvironmentVariables();
        else builder.AddInMemoryCollection(environment);
        builder.AddInMemoryCollection(commandLineSettings);
        return builder.Build();
    }
}
