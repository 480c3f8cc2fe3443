using System.Formats.Tar;
using System.IO.Compression;
using BackupMonitor.Content;
using BackupMonitor.Domain;
using Microsoft.Data.Sqlite;

namespace BackupMonitor.Drills;

/// <summary>
/// Drills that need no server (SPEC §13): a SQLite database copied (decompressed if need be) into the drill's own
/// folder and opened read-only for `PRAGMA integrity_check`; tar and zip archives read member by member to the end
/// as streams, never written to disk, links never followed, within the content check's 1,000× bound.
/// </summary>
public static class FileDrills
{
    public static async Task<DrillResult> SqliteAsync(DrillInput input, string folder, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var copy = Path.Combine(folder, "copy.sqlite");
        await using (var target = new FileStream(copy, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 20))
        {
            var limit = Math.Max(input.FileSize, 1) * ContentChecker.MaxExpansion;
            await input.Content.CopyToAsync(new LimitedWrite(target, limit), 1 << 20, cancellationToken);
            // A database saved in WAL mode would need its -wal and -shm files beside it to open read-only: the copy says
            // "rollback journal" (header bytes 18 and 19), which changes nothing in its pages.
            if (target.Length >= 20)
            {
                target.Position = 18;
                target.Write([1, 1]);
            }
        }
        try
        {
            await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = copy, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            var problems = new List<string>();
            await using (var check = connection.CreateCommand())
            {
                check.CommandText = "PRAGMA integrity_check(20)";
                await using var reader = await check.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken)) problems.Add(reader.GetString(0));
            }
            if (problems is not ["ok"])
                return DrillResult.Failed(input.Format, "sqlite: integrity_check: " + string.Join("; ", problems));
            var tables = new List<string>();
            await using (var list = connection.CreateCommand())
            {
                list.CommandText = "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name";
                await using var reader = await list.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken)) tables.Add(reader.GetString(0));
            }
            long rows = 0;
            foreach (var table in tables)
            {
                await using var count = connection.CreateCommand();
                count.CommandText = $"SELECT count(*) FROM \"{table.Replace("\"", "\"\"")}\"";
                rows += Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken));
            }
            return new DrillResult(DrillStatus.Passed, input.Format, tables.Count, rows);
        }
        catch (SqliteException e)
        {
            return DrillResult.Failed(input.Format, $"sqlite: {e.Message}");
        }
        finally
        {
            SqliteConnection.ClearAllPools();
        }
    }

    public static DrillResult ReadTar(DrillInput input, CancellationToken cancellationToken)
    {
        var limit = Math.Max(input.FileSize, 1) * ContentChecker.MaxExpansion;
        var counted = new CountingRead(input.Content, limit);
        long members = 0, bytes = 0;
        var buffer = new byte[1 << 17];
        try
        {
            using var reader = new TarReader(counted, leaveOpen: true);
            while (reader.GetNextEntry(copyData: false) is { } entry)
            {
                cancellationToken.ThrowIfCancellationRequested();
                members++;
                if (entry.DataStream is not { } data) continue; // links and folders have no data, and are never followed
                int read;
                while ((read = data.Read(buffer)) > 0) bytes += read;
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException or IOException)
        {
            return DrillResult.Failed(input.Format, $"tar: member {members + 1} cannot be read ({e.Message.TrimEnd('.')})");
        }
        return new DrillResult(DrillStatus.Passed, input.Format, Detail: $"{members:N0} members read, {bytes:N0} bytes");
    }

    public static DrillResult ReadZip(DrillInput input, CancellationToken cancellationToken)
    {
        var limit = Math.Max(input.FileSize, 1) * ContentChecker.MaxExpansion;
        using var file = new FileStream(input.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        long members = 0, bytes = 0;
        var buffer = new byte[1 << 17];
        try
        {
            using var archive = new ZipArchive(file, ZipArchiveMode.Read);
            foreach (var entry in archive.Entries)
            {
                cancellationToken.ThrowIfCancellationRequested();
                members++;
                using var data = entry.Open();
                int read;
                while ((read = data.Read(buffer)) > 0)
                    if ((bytes += read) > limit)
                        return new DrillResult(DrillStatus.Skipped, input.Format, Detail: $"zip: reading stopped after {limit:N0} bytes, more than 1,000 times the file's size");
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException or NotSupportedException)
        {
            return DrillResult.Failed(input.Format, $"zip: member {members} cannot be read ({e.Message.TrimEnd('.')})");
        }
        return new DrillResult(DrillStatus.Passed, input.Format, Detail: $"{members:N0} members read, {bytes:N0} bytes");
    }

    /// <summary>A write that stops past the bound (a decompression bomb is no verdict on the backup).</summary>
    private sealed class LimitedWrite(Stream inner, long limit) : Stream
    {
        private long written;
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => written;
        public override long Position { get => written; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if ((written += buffer.Length) > limit) throw new DrillBoundException($"decompression stopped after {limit:N0} bytes, more than 1,000 times the file's size");
            inner.Write(buffer);
        }
        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if ((written += buffer.Length) > limit) throw new DrillBoundException($"decompression stopped after {limit:N0} bytes, more than 1,000 times the file's size");
            await inner.WriteAsync(buffer, cancellationToken);
        }
    }

    /// <summary>Counts the bytes read, and stops past the bound.</summary>
    private sealed class CountingRead(Stream inner, long limit) : Stream
    {
        public long Count { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => Count; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override int Read(Span<byte> buffer)
        {
            var n = inner.Read(buffer);
            if ((Count += n) > limit) throw new DrillBoundException($"reading stopped after {limit:N0} bytes, more than 1,000 times the file's size");
            return n;
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

/// <summary>A drill stopped at the 1,000× bound: `skipped`, a decompression bomb is no verdict.</summary>
public sealed class DrillBoundException(string message) : Exception(message);
