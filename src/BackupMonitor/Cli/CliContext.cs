using BackupMonitor.Hosting;
using BackupMonitor.Configuration;
using BackupMonitor.Persistence;
using BackupMonitor.Scanning;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BackupMonitor.Cli;

/// <summary>What a command runs with: its output streams, its settings, and the services built from them.</summary>
public sealed class CliContext(TextWriter output, TextWriter error, IReadOnlyDictionary<string, string?>? environment, TimeProvider time)
{
    public TextWriter Out { get; } = output;
    public TextWriter Err { get; } = error;
    public TimeProvider Time { get; } = time;
    public Dictionary<string, string?> SettingArguments { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Long commands show their progress on stderr only when it is the console's own terminal (SPEC §8).</summary>
    public bool ShowsProgress => ReferenceEquals(Err, Console.Error) && !Console.IsErrorRedirected;

    /// <summary>Extra registrations (tests swap infrastructure here; later features add theirs).</summary>
    public List<Action<IServiceCollection>> Registrations { get; } = [];

    public IConfiguration Configuration(IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var arguments = new Dictionary<string, string?>(SettingArguments, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>()) arguments[key] = value;
        return Settings.BuildConfiguration(arguments, environment);
    }

    /// <summary>Reads and validates the settings, creates the storage areas and applies migrations.</summary>
    public async Task<ServiceProvider> StartAsync(CancellationToken cancellationToken, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var settings = Settings.From(Configuration(overrides));
        settings.Storage.EnsureStorageAreas();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.ClearProviders().SetMinimumLevel(LogLevel.Information)
            .AddProvider(new TextWriterLoggerProvider(Err, LogLevel.Information)));
        foreach (var register in Registrations) register(services);
        services.AddBackupMonitorCore(settings, Time);
        var provider = services.BuildServiceProvider();
        try
        {
            await using var scope = provider.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<BackupMonitorDbContext>().MigrateAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await provider.DisposeAsync();
            throw new DatabaseUnavailableException(settings.Database, e);
        }
        return provider;
    }
}

/// <summary>The database could not be opened or migrated; the message names the provider, never the password.</summary>
public sealed class DatabaseUnavailableException(DatabaseOptions options, Exception inner)
    : Exception($"cannot open the {options.Provider.ToString().ToLowerInvariant()} database: {inner.GetBaseException().Message}", inner);
