namespace BackupMonitor.Decisions;

/// <summary>What a backup's content is, as far as a drill cares (its first bytes, after any compression).</summary>
public enum DrillContent { PgDumpCustom, PostgresSql, PostgresClusterSql, MysqlSql, Sqlite, Tar, Zip, Compressed, Unknown }

/// <summary>How a backup is drilled (SPEC §13's table).</summary>
public enum DrillMethod { PgRestore, Psql, SqliteIntegrity, ReadTar, ReadZip, Skip }

/// <summary>The method, or why the backup is skipped; <paramref name="NeedsDrillServer"/>: a skip that does not count toward the interval.</summary>
public sealed record DrillChoice(DrillMethod Method, string? SkipReason = null, bool NeedsDrillServer = false);

/// <summary>The facts a drill's method is chosen from: what is inside, the drill server and its pg_restore, the archive's version.</summary>
public sealed record DrillFacts(DrillContent Content, string Format, bool HasDrillServer, Version? PgRestoreVersion = null, Version? ArchiveVersion = null);

/// <summary>Which runner drills a backup, or why none does (SPEC §13). Pure.</summary>
public static class DrillPlan
{
    public static DrillChoice Choose(DrillFacts facts)
    {
        switch (facts.Content)
        {
            case DrillContent.PgDumpCustom or DrillContent.PostgresSql when !facts.HasDrillServer:
                return new DrillChoice(DrillMethod.Skip,
                    $"{facts.Format}: no drill server (set DRILL_POSTGRES_CONNECTION_STRING to a scratch PostgreSQL to drill PostgreSQL dumps)", NeedsDrillServer: true);
            case DrillContent.PgDumpCustom:
                if (facts.ArchiveVersion is { } archive && facts.PgRestoreVersion is { } tool && new Version(archive.Major, archive.Minor) > NewestArchiveReadBy(tool))
                    return new DrillChoice(DrillMethod.Skip,
                        $"{facts.Format}: archive version {archive} (pg_dump {OldestPgDumpWriting(archive)} or later) is newer than the drill server's pg_restore {tool} reads (up to {NewestArchiveReadBy(tool)})");
                return new DrillChoice(DrillMethod.PgRestore);
            case DrillContent.PostgresSql:
                return new DrillChoice(DrillMethod.Psql);
            case DrillContent.Sqlite:
                return new DrillChoice(DrillMethod.SqliteIntegrity);
            case DrillContent.Tar:
                return new DrillChoice(DrillMethod.ReadTar);
            case DrillContent.Zip:
                return new DrillChoice(DrillMethod.ReadZip);
            case DrillContent.PostgresClusterSql:
                return new DrillChoice(DrillMethod.Skip, $"{facts.Format}: a pg_dumpall cluster dump creates roles and databases; it is not drilled");
            case DrillContent.MysqlSql:
                return new DrillChoice(DrillMethod.Skip, $"{facts.Format}: MySQL and MariaDB dumps are not drilled (no MySQL drill server)");
            case DrillContent.Compressed:
                return new DrillChoice(DrillMethod.Skip, $"{facts.Format}: the decompressed content is not a format a drill restores (database dump, SQLite file, tar)");
            default:
                return new DrillChoice(DrillMethod.Skip, "format not recognised from the first bytes: nothing to restore");
        }
    }

    /// <summary>
    /// The newest custom-archive version a pg_restore of this version reads (PostgreSQL's pg_backup_archiver.h:
    /// 1.13 up to 11, 1.14 from 12, 1.15 from 16, 1.16 from 17).
    /// </summary>
    public static Version NewestArchiveReadBy(Version pgRestore) => pgRestore.Major switch
    {
        <= 11 => new Version(1, 13),
        <= 15 => new Version(1, 14),
        16 => new Version(1, 15),
        _ => new Version(1, 16),
    };

    private static string OldestPgDumpWriting(Version archive) => (archive.Major, archive.Minor) switch
    {
        (1, <= 13) => "9.x",
        (1, 14) => "12",
        (1, 15) => "16",
        (1, 16) => "17",
        _ => "18",
    };
}
