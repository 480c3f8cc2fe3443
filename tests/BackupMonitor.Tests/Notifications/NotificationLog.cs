using Microsoft.Extensions.Logging;

namespace BackupMonitor.Tests.Notifications;

/// <summary>Collects log lines (`level: message`) in memory, like the seed's caplog.</summary>
public sealed class NotificationLog : ILoggerProvider
{
    private readonly List<string> lines = [];
    private readonly ILoggerFactory factory;

    public NotificationLog()
    {
        factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(this));
    }

    public IReadOnlyList<string> Lines { get { lock (lines) return lines.ToList(); } }
    public string Text => string.Join("\n", Lines);

    public ILogger<T> For<T>() => factory.CreateLogger<T>();

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose() { }

    private sealed class Logger(NotificationLog log) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (log.lines) log.lines.Add($"{logLevel.ToString().ToLowerInvariant()}: {formatter(state, exception)}");
        }
    }
}
