using System.Text;

namespace BackupMonitor.Content;

/// <summary>The formats the content check knows, recognised from their first bytes (never from a file name).</summary>
public enum BackupFormat { Gzip, Zstd, Xz, Bzip2, Zip, Tar, PgDumpCustom, PostgresSql, PostgresClusterSql, MysqlSql, MariadbSql }

/// <summary>Recognises a format from a file's (or a decompressed stream's) first bytes. Pure.</summary>
public static class FormatSniffer
{
    /// <summary>How many first bytes are enough to recognise any format (plain SQL dumps name their tool in the first lines).</summary>
    public const int HeadSize = 4096;

    public static BackupFormat? Identify(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0x1F, 0x8B, 0x08])) return BackupFormat.Gzip;
        if (head.StartsWith((ReadOnlySpan<byte>)[0x28, 0xB5, 0x2F, 0xFD])) return BackupFormat.Zstd;
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFD, (byte)'7', (byte)'z', (byte)'X', (byte)'Z', 0x00])) return BackupFormat.Xz;
        if (head.Length >= 4 && head.StartsWith("BZh"u8) && head[3] is >= (byte)'1' and <= (byte)'9') return BackupFormat.Bzip2;
        if (head.StartsWith("PK\x03\x04"u8) || head.StartsWith("PK\x05\x06"u8)) return BackupFormat.Zip;
        if (head.StartsWith("PGDMP"u8)) return BackupFormat.PgDumpCustom;
        if (head.Length >= 263 && head.Slice(257, 5).SequenceEqual("ustar"u8)) return BackupFormat.Tar;
        return SqlDumpOf(head);
    }

    /// <summary>A plain SQL dump names its tool in a comment among its first lines.</summary>
    private static BackupFormat? SqlDumpOf(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith("\uFEFF"u8)) head = head[3..];
        if (head.IsEmpty || head[0] is not ((byte)'-' or (byte)'\n' or (byte)'\r' or (byte)'/' or (byte)'\\')) return null;
        var lines = 0;
        foreach (var range in head.Split((byte)'\n'))
        {
            if (++lines > 12) break;
            var line = Encoding.UTF8.GetString(head[range]).TrimEnd('\r', ' ');
            if (line == "-- PostgreSQL database dump") return BackupFormat.PostgresSql;
            if (line == "-- PostgreSQL database cluster dump") return BackupFormat.PostgresClusterSql;
            if (line.StartsWith("-- MySQL dump", StringComparison.Ordinal)) return BackupFormat.MysqlSql;
            if (line.StartsWith("-- MariaDB dump", StringComparison.Ordinal)) return BackupFormat.MariadbSql;
        }
        return null;
    }

    /// <summary>The format's name in `content_format`.</summary>
    public static string Name(this BackupFormat format) => format switch
    {
        BackupFormat.Gzip => "gzip",
        BackupFormat.Zstd => "zstd",
        BackupFormat.Xz => "xz",
        BackupFormat.Bzip2 => "bzip2",
        BackupFormat.Zip => "zip",
        BackupFormat.Tar => "tar",
        BackupFormat.PgDumpCustom => "pg_dump_custom",
        BackupFormat.PostgresSql => "postgresql_sql",
        BackupFormat.PostgresClusterSql => "postgresql_cluster_sql",
        BackupFormat.MysqlSql => "mysql_sql",
        BackupFormat.MariadbSql => "mariadb_sql",
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    public static bool IsCompression(this BackupFormat format) => format is BackupFormat.Gzip or BackupFormat.Zstd or BackupFormat.Xz or BackupFormat.Bzip2;

    public static bool IsSql(this BackupFormat format) =>
        format is BackupFormat.PostgresSql or BackupFormat.PostgresClusterSql or BackupFormat.MysqlSql or BackupFormat.MariadbSql;
}
