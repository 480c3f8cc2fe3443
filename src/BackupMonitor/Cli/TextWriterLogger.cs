using Microsoft.Extensions.Logging;

namespace BackupMonitor.Cli;

/// <summary>Writes log lines to the command's error stream (stderr), keeping stdout for results.</summary>
public sealed class TextWriterLoggerProvider(TextWriter writer, LogLevel minimum) : ILoggerProvider
{
    private readonly Lock gate = new();
    private readonly TextWriter writer = writer;
    private readonly LogLevel minimum = minimum;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private sealed class Logger(TextWriterLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) =>
            logLevel >= provider.minimum
            && !category.StartsWith("Microsoft.EntityFrameworkCore.Database.Command", StringComparison.Ordinal) // our own code reports failures
            && (logLevel >= LogLevel.Warning || !category.StartsWith("Microsoft.", StringComparison.Ordinal));

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
            var line = $"{level}: {formatter(state, exception)}";
            if (exception is not null && logLevel >= LogLevel.Error) line += $" ({exception.GetType().Name}: {exception.Message})";
            lock (provider.gate) provider.writer.WriteLine(line);
        }
    }
}
