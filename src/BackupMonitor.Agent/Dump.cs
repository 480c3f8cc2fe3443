using System.ComponentModel;
using System.Diagnostics;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace BackupMonitor.Agent;

/// <summary>What one dump produced: the spooled file's facts, or why the command failed.</summary>
public sealed record DumpResult(bool Succeeded, string? Error, string Sha256, long Size, long PreCompress, long PostCompress, TimeSpan Duration);

/// <summary>
/// Runs a database's command (an argument list: no shell, so nothing in it is ever interpreted) and streams its
/// standard output through the compression into the spool file while hashing what is written. The end of its standard
/// error is kept for the report when it fails.
/// </summary>
public static class Dump
{
    public const int StderrTailBytes = 2000;
    private const int BufferSize = 1 << 20;

    public static async Task<DumpResult> RunAsync(DatabaseConfiguration database, string spoolFile, Progress progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var start = new ProcessStartInfo(database.Command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in database.Command.Skip(1)) start.ArgumentList.Add(arg);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new Win32Exception("no process");
        }
        catch (Win32Exception e)
        {
            return Failed($"cannot start '{database.Command[0]}': {e.Message}", clock);
        }
        using (process)
        {
            process.StandardInput.Close();
            var stderr = KeepTailAsync(process.StandardError.BaseStream);
            long pre = 0;
            await using var file = new FileStream(spoolFile, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
            var hashed = new HashingStream(file);
            try
            {
                await using (var compressed = Compressor(database.Compress, hashed))
                {
                    var buffer = new byte[BufferSize];
                    int read;
                    var output = process.StandardOutput.BaseStream;
                    while ((read = await output.ReadAsync(buffer, cancellationToken)) > 0)
                    {
                        await compressed.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                        pre += read;
                        progress.Report($"dump {database.Name}", pre, null);
                    }
                }
                await process.WaitForExitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }
            progress.Done();
            var tail = await stderr;
            if (process.ExitCode != 0)
                return Failed($"'{database.Command[0]}' exited with code {process.ExitCode}{(tail.Length > 0 ? ": " + tail : "")}", clock);
            await file.FlushAsync(cancellationToken);
            file.Flush(flushToDisk: true);
            return new DumpResult(true, null, hashed.Sha256(), hashed.Length, pre, hashed.Length, clock.Elapsed);
        }
    }

    private static DumpResult Failed(string error, Stopwatch clock) => new(false, error, "", 0, 0, 0, clock.Elapsed);

    private static Stream Compressor(string kind, Stream into) => kind switch
    {
        "gzip" => new GZipStream(into, CompressionLevel.Fastest, leaveOpen: true),
        "zstd" => new ZstdSharp.CompressionStream(into, level: 3, leaveOpen: true),
        _ => new NonClosing(into),
    };

    /// <summary>The last <see cref="StderrTailBytes"/> bytes of the stream, as text (where a failing dump says why).</summary>
    private static async Task<string> KeepTailAsync(Stream stream)
    {
        var tail = new MemoryStream();
        var buffer = new byte[8192];
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            tail.Write(buffer, 0, read);
            if (tail.Length > 4 * StderrTailBytes)
            {
                var keep = tail.ToArray()[^StderrTailBytes..];
                tail.SetLength(0);
                tail.Write(keep);
            }
        }
        var bytes = tail.ToArray();
        if (bytes.Length > StderrTailBytes) bytes = bytes[^StderrTailBytes..];
        return Encoding.UTF8.GetString(bytes).Trim();
    }

    /// <summary>Counts and hashes what passes through to the spool file.</summary>
    private sealed class HashingStream(Stream inner) : Stream
    {
        private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        public override long Length => length;
        private long length;
        public string Sha256() => Convert.ToHexStringLower(hash.GetHashAndReset());
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
        public override void Write(ReadOnlySpan<byte> buffer) { hash.AppendData(buffer); length += buffer.Length; inner.Write(buffer); }
        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            hash.AppendData(buffer.Span);
            length += buffer.Length;
            await inner.WriteAsync(buffer, cancellationToken);
        }
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
        public override void Flush() => inner.Flush();
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Position { get => length; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }

    /// <summary>"No compression": writes through, and disposing it leaves the file open.</summary>
    private sealed class NonClosing(Stream inner) : Stream
    {
        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);
        public override void Flush() => inner.Flush();
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
