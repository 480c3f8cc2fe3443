using BackupMonitor.Content;
using BackupMonitor.Decisions;

namespace BackupMonitor.Drills;

/// <summary>
/// A validated backup opened for a drill: its content recognised from its first bytes (after decompression, as the
/// content check does), and a forward-only stream of that content from its first byte, decompressed on the fly
/// within the content check's 1,000× bound. Never a decompressed copy on disk.
/// </summary>
public sealed class DrillInput : IDisposable
{
    private static readonly byte[] SqliteMagic = "SQLite format 3\0"u8.ToArray();

    private readonly FileStream file;

    private DrillInput(FileStream file, Stream content, DrillContent kind, string format, BackupFormat? compression, byte[] head)
    {
        this.file = file;
        Content = content;
        Kind = kind;
        Format = format;
        Compression = compression;
        Head = head;
    }

    public string Path => file.Name;
    public long FileSize => file.Length;
    /// <summary>The content, decompressed, from its first byte.</summary>
    public Stream Content { get; }
    public DrillContent Kind { get; }
    /// <summary>`gzip+pg_dump_custom`, `sqlite`, `tar`…</summary>
    public string Format { get; }
    public BackupFormat? Compression { get; }
    /// <summary>The content's first bytes (up to 4 KiB).</summary>
    public byte[] Head { get; }

    /// <summary>The custom archive's version (`PGDMP` then major, minor, revision), or null.</summary>
    public Version? ArchiveVersion => Kind == DrillContent.PgDumpCustom && Head.Length >= 8 ? new Version(Head[5], Head[6], Head[7]) : null;

    public static DrillInput Open(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        try
        {
            var (head, n) = ReadHead(file);
            var outer = Identify(head.AsSpan(0, n));
            if (outer.Format is { } compression && compression.IsCompression())
            {
                file.Position = 0;
                var decoded = CompressedContent.Decoded(compression, file, Math.Max(file.Length, 1) * ContentChecker.MaxExpansion);
                var (innerHead, m) = ReadHead(decoded);
                var inner = Identify(innerHead.AsSpan(0, m));
                var kind = inner.Kind is DrillContent.Unknown or DrillContent.Compressed or DrillContent.Zip ? DrillContent.Compressed : inner.Kind;
                var format = compression.Name() + (inner.Name is { } name ? "+" + name : "");
                return new DrillInput(file, new PrefixedStream(innerHead.AsMemory(0, m), decoded), kind, format, compression, innerHead[..m]);
            }
            file.Position = 0;
            return new DrillInput(file, file, outer.Kind, outer.Name ?? "unknown", null, head[..n]);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private static (byte[] Head, int Count) ReadHead(Stream stream)
    {
        var head = new byte[FormatSniffer.HeadSize];
        return (head, stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false));
    }

    private static (DrillContent Kind, string? Name, BackupFormat? Format) Identify(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith(SqliteMagic)) return (DrillContent.Sqlite, "sqlite", null);
        var format = FormatSniffer.Identify(head);
        return format switch
        {
            null => (DrillContent.Unknown, null, null),
            BackupFormat.PgDumpCustom => (DrillContent.PgDumpCustom, format.Value.Name(), format),
            BackupFormat.PostgresSql => (DrillContent.PostgresSql, format.Value.Name(), format),
            BackupFormat.PostgresClusterSql => (DrillContent.PostgresClusterSql, format.Value.Name(), format),
            BackupFormat.MysqlSql or BackupFormat.MariadbSql => (DrillContent.MysqlSql, format.Value.Name(), format),
            BackupFormat.Tar => (DrillContent.Tar, "tar", format),
            BackupFormat.Zip => (DrillContent.Zip, "zip", format),
            _ => (DrillContent.Compressed, format.Value.Name(), format),
        };
    }

    public void Dispose()
    {
        if (!ReferenceEquals(Content, file)) Content.Dispose();
        file.Dispose();
    }
}
