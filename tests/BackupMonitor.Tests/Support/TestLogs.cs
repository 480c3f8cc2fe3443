using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace BackupMonitor.Tests.Support;

/// <summary>
/// Log capture for tests: one <see cref="FakeLogCollector"/> fed by a logging provider (for a service collection)
/// or by loggers made directly (for a class built by hand), every level kept.
/// </summary>
public sealed class TestLogs
{
    public FakeLogCollector Collector { get; } = new();

    /// <summary>A provider to add to a logging builder; what its loggers write lands in <see cref="Collector"/>.</summary>
    public ILoggerProvider Provider() => new FakeLoggerProvider(Collector);

    public ILogger<T> For<T>() => new FakeLogger<T>(Collector);

    public IReadOnlyList<FakeLogRecord> Records => Collector.GetSnapshot();

    /// <summary>Each record as <c>level: message</c> (the seed's caplog lines).</summary>
    public IReadOnlyList<string> Lines => Records.Select(r => $"{r.Level.ToString().ToLowerInvariant()}: {r.Message}").ToList();

    public string Text => string.Join("\n", Lines);
}
