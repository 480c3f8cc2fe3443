using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BackupMonitor.Agent;

/// <summary>
/// The spool: one folder per run (`yyyyMMddTHHmmssZ`), holding the dumps, then `manifest.json` (the report's lines,
/// written once every dump is done: the run is sealed), then `report.json` (the exact bytes posted, so a retry posts
/// the same report). A run folder leaves only when the server accepted its report.
/// </summary>
public sealed class Spool(string directory)
{
    public const string Manifest = "manifest.json";
    public const string Report = "report.json";

    public static string Stamp(DateTime utc) => utc.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    public static string Iso(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Sealed runs left by earlier runs, oldest first: they are finished before anything new is dumped.</summary>
    public IEnumerable<string> SealedRuns() => Runs().Where(r => File.Exists(Path.Combine(r, Manifest)));

    /// <summary>Runs interrupted while dumping (no manifest): their files are incomplete dumps, never sent.</summary>
    public IEnumerable<string> UnsealedRuns() => Runs().Where(r => !File.Exists(Path.Combine(r, Manifest)));

    private IEnumerable<string> Runs() =>
        Directory.Exists(directory) ? Directory.EnumerateDirectories(directory).Order(StringComparer.Ordinal).ToList() : [];

    public string NewRun(DateTime utc)
    {
        var run = Path.Combine(directory, Stamp(utc));
        for (var n = 1; Directory.Exists(run); n++) run = Path.Combine(directory, $"{Stamp(utc)}-{n}");
        Directory.CreateDirectory(run);
        return run;
    }

    /// <summary>Writes a file whole or not at all (temporary name, flushed, renamed).</summary>
    public static void WriteAtomically(string path, byte[] bytes)
    {
        var temporary = path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write))
        {
            file.Write(bytes);
            file.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }

    public static void Seal(string run, JsonArray lines) =>
        WriteAtomically(Path.Combine(run, Manifest), JsonSerializer.SerializeToUtf8Bytes(lines));

    public static JsonArray Lines(string run) => JsonNode.Parse(File.ReadAllBytes(Path.Combine(run, Manifest)))!.AsArray();
}
