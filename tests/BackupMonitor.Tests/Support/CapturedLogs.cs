using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace BackupMonitor.Tests.Support;

/// <summary>A logging provider that keeps every formatted message, so tests can check what was logged.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<(LogLevel Level, string Message)> messages = new();

    public IReadOnlyList<(LogLevel Level, string Message)> Messages => messages.ToArray();

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose() { }

    private sealed class Logger(CapturedLogs owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.messages.Enqueue((logLevel, formatter(state, exception)));
    }
}
