using System.Diagnostics;

namespace BackupMonitor.Tests.Content;

/// <summary>
/// A temporary folder of backup files made by the real tools (gzip, zstd, xz, bzip2, tar, python3's zipfile),
/// and damaged copies of them: cut short, a byte flipped. Disposing deletes everything.
/// </summary>
public sealed class BackupFiles : IDisposable
{
    public string Folder { get; } = TestSite.NewTempFolder();

    public string PathOf(string name) => Path.Combine(Folder, name);

    /// <summary>Runs a shell command in the folder; fails the test with its stderr when it fails.</summary>
    public void Sh(string script)
    {
        var start = new ProcessStartInfo("/bin/sh", ["-c", script]) { WorkingDirectory = Folder, RedirectStandardError = true, RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        _ = stdout.Result;
        if (process.ExitCode != 0) throw new InvalidOperationException($"`{script}` failed ({process.ExitCode}): {stderr}");
    }

    /// <summary>Text that compresses like a real dump (not too well): numbered lines with pseudo-random words.</summary>
    public string Text(string name, int lines = 40_000, string header = "", string footer = "")
    {
        var random = new Random(lines);
        using (var writer = new StreamWriter(PathOf(name)))
        {
            writer.Write(header);
            for (var i = 0; i < lines; i++) writer.Write($"{i}\tline {random.NextInt64():x16} {random.Next(1_000_000)} {random.NextDouble():F6}\n");
            writer.Write(footer);
        }
        return PathOf(name);
    }

    /// <summary>A copy of <paramref name="source"/> cut to <paramref name="length"/> bytes.</summary>
    public string Cut(string source, long length, string? name = null)
    {
        var path = PathOf(name ?? Path.GetFileName(source) + $".cut{length}");
        using var input = File.OpenRead(source);
        using var output = File.Create(path);
        var buffer = new byte[length];
        input.ReadExactly(buffer);
        output.Write(buffer);
        return path;
    }

    /// <summary>A copy of <paramref name="source"/> without its last <paramref name="bytes"/>.</summary>
    public string CutShort(string source, int bytes) => Cut(source, new FileInfo(source).Length - bytes);

    /// <summary>A copy of <paramref name="source"/> with the byte at <paramref name="offset"/> inverted.</summary>
    public string Flip(string source, long offset, string? name = null)
    {
        var path = PathOf(name ?? Path.GetFileName(source) + $".flip{offset}");
        var bytes = File.ReadAllBytes(source);
        bytes[offset] ^= 0xFF;
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public static long SizeOf(string path) => new FileInfo(path).Length;

    public void Dispose() => TestSite.DeleteFolder(Folder);
}
