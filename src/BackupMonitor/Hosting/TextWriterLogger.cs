using Microsoft.Extensions.Logging;

namespace BackupMonitor.Hosting;

/// <summary>
/// The one logging stack of every entry point: log lines on the process's error stream (stderr, through
/// <see cref="Cli.StderrPump"/> in production; a test's writer in tests), keeping stdout for results. `level: message`,
/// one line each; `serve` (a long-running process) prefixes the time of day (<paramref name="clock"/>). Framework
/// categories show warnings and errors only, except the host's lifetime (`Now listening on: …`).
/// </summary>
public sealed class TextWriterLoggerProvider(TextWriter writer, LogLevel minimum, TimeProvider? clock = null) : ILoggerProvider
{
    private readonly Lock gate = new();
    private readonly TextWriter writer = writer;
    private readonly LogLevel minimum = minimum;
    private readonly TimeProvider? clock = clock;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private sealed class Logger(TextWriterLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) =>
            logLevel >= provider.minimum
            && !category.StartsWith("Microsoft.EntityFrameworkCore.Database", StringComparison.Ordinal) // commands and connections: our own code reports failures
            && (logLevel >= LogLevel.Warning || !category.StartsWith("Microsoft.", StringComparison.Ordinal) || category == "Microsoft.Hosting.Lifetime");

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var level = logLevel switch
            {
                LogLevel.Critical => "crit",
                LogLevel.Error => "error",
                LogLevel.Warning => "warn",
                LogLevel.Information => "info",
                _ => "debug",
            };
            var line = provider.clock is { } clock
                ? $"{clock.GetLocalNow():HH:mm:ss} {level}: {formatter(state, exception)}"
                : $"{level}: {formatter(state, exception)}";
            if (exception is not null && logLevel >= LogLevel.Error) line += $" ({exception.GetType().Name}: {exception.Message})";
            lock (provider.gate) provider.writer.WriteLine(line);
        }
    }
}
