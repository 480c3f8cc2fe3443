using System.Text;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;

namespace BackupMonitor.Tests.Reports.Fuzzing;

/// <summary>
/// One way to damage a good STATUS.json, as agents, disks and networks do. Structural mutations change the JSON
/// before it is written; <see cref="Encode"/>, <see cref="FlipBytes"/> and <see cref="Truncate"/> change the bytes
/// after. A mutated report may still be valid (an unknown field, a BOM): the scan must then process it.
/// </summary>
public abstract record ReportMutation
{
    /// <summary>The fields a mutation may hit: the report's own, then its first line's.</summary>
    public static readonly string[] Fields =
    [
        "agent_id", "report_timestamp_utc", "databases",
        "databases[0]", "databases[0].db_name", "databases[0].status", "databases[0].operation_timestamp_utc",
        "databases[0].staged_file_name", "databases[0].hash_sha256", "databases[0].size_bytes",
        "databases[0].compress_size_pre_compress", "databases[0].agent_transfer_process_start_time_utc",
        "databases[0].error_msg", "databases[0].logs_summary", "databases[0].unknown_field", "unknown_field",
    ];

    /// <summary>Sets <see cref="Fields"/>[field] to a raw JSON literal (spliced in after serialization).</summary>
    public sealed record Replace(int Field, string Why, string Literal) : ReportMutation
    {
        public override string ToString() => $"Replace({Fields[Field]}, {Why}, {Short(Literal)})";
    }

    public sealed record Remove(int Field) : ReportMutation
    {
        public override string ToString() => $"Remove({Fields[Field]})";
    }

    /// <summary>The whole text replaced: an empty file, a top-level array, duplicate keys…</summary>
    public sealed record WholeText(string Why, string Text) : ReportMutation
    {
        public override string ToString() => $"WholeText({Why})";
    }

    public sealed record Encode(string Encoding) : ReportMutation;

    /// <summary>Byte positions as per-ten-thousand of the length, so they fit whatever the report's size.</summary>
    public sealed record FlipBytes(int[] Positions, byte[] Values) : ReportMutation
    {
        public override string ToString() => $"FlipBytes([{string.Join(",", Positions)}] ← [{Convert.ToHexString(Values)}])";
    }

    public sealed record Truncate(int Per10000) : ReportMutation;

    private static string Short(string text) => text.Length <= 60 ? text : $"{text[..40]}…({text.Length} chars)";

    public static readonly string[] Encodings = ["utf-8 BOM", "utf-16LE", "utf-16BE", "utf-32LE", "utf-32BE", "latin-1", "utf-16LE no BOM", "windows-1252 bytes"];

    // ---- generators ----

    private static Gen<int> AnyField => Gen.Choose(0, Fields.Length - 1);

    private static Gen<string> JsonString(Gen<string> text) => text.Select(JsonLiteral);

    /// <summary>Text from FsCheck's own string generator (any UTF-16 code unit, lone surrogates included), and worse.</summary>
    private static Gen<string> RandomUnicode =>
        Gen.OneOf(
            ArbMap.Default.GeneratorFor<string>().Where(s => s is not null),
            Gen.Elements("Évry-Gare", "ACME_Évry_Centre", "\u202Egnp.exe", "💾 sauvegarde", "a\u0000b", "\t\r\n", "..", "/etc/passwd", "C:\\x", "x.part", "y.TMP", new string('é', 300)),
            Gen.Choose(0, 0x10FFFF).Where(c => c is < 0xD800 or > 0xDFFF).ArrayOf().Select(cs => string.Concat(cs.Select(char.ConvertFromUtf32))));

    private static Gen<string> ExtremeTimestamps =>
        Gen.Elements("0001-01-01T00:00:00Z", "0001-01-01T00:00:00+14:00", "0001-01-01T11:59:59Z", "9999-12-31T23:59:59Z", "9999-12-31T23:59:59-14:00",
            "9999-12-31T12:00:00Z", "1970-01-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-11-23T25:00:00Z", "2026-11-23T02:10:00.1234567890123Z",
            "2026-11-23T02:10:00+99:00", "2026-11-23T02:10:00+14:00", "2099-12-31T23:59:59Z", "2000-01-01T00:00:00Z").Select(JsonLiteral);

    private static Gen<string> Literals =>
        Gen.OneOf(
            Gen.Elements("null", "true", "false", "0", "-1", "1.5", "[]", "{}", "[1,2]", "{\"a\":1}", "\"\"", "\"success\""),
            Gen.Elements("1e400", "-1e400", "99999999999999999999999999999", "9223372036854775808", "1E+2", "-0", "0.000000000000000000001"),
            JsonString(RandomUnicode),
            ExtremeTimestamps,
            Gen.Choose(1, 2_000).Select(n => $"\"{new string('x', n * 1_000)}\""),
            Gen.Choose(1, 10_000).SelectMany(depth => Gen.Elements(
                new string('[', depth) + "1" + new string(']', depth),
                string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth))));

    public static Gen<ReportMutation> Any =>
        Gen.Frequency(
            (6, from target in AnyField from literal in Literals select (ReportMutation)new Replace(target, "value", literal)),
            (2, from target in Gen.Elements(1, 6, 11)
                from time in ExtremeTimestamps
                select (ReportMutation)new Replace(target, "time", time)),
            (2, AnyField.Select(f => (ReportMutation)new Remove(f))),
            (1, Gen.Elements<ReportMutation>(
                new WholeText("empty file", ""), new WholeText("whitespace", " \n\t "), new WholeText("top-level array", "[]"),
                new WholeText("top-level null", "null"), new WholeText("a BOM and nothing", "\uFEFF"), new WholeText("not JSON", "STATUS: OK"))),
            (3, Gen.Elements(Encodings).Select(e => (ReportMutation)new Encode(e))),
            (3, from n in Gen.Choose(1, 8)
                from positions in Gen.Choose(0, 9_999).ArrayOf(n)
                from values in Gen.Choose(0, 255).Select(v => (byte)v).ArrayOf(n)
                select (ReportMutation)new FlipBytes(positions, values)),
            (2, Gen.Choose(0, 9_999).Select(p => (ReportMutation)new Truncate(p))));

    /// <summary>A JSON string literal: characters as themselves where JSON allows, lone surrogates and controls escaped.</summary>
    public static string JsonLiteral(string text)
    {
        var literal = new StringBuilder("\"");
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var pair = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
            if (pair) { literal.Append(c).Append(text[++i]); continue; }
            if (c is '"' or '\\' || c < 0x20 || char.IsSurrogate(c)) literal.Append($"\\u{(int)c:x4}");
            else literal.Append(c);
        }
        return literal.Append('"').ToString();
    }

    // ---- applying ----

    /// <summary>The report's bytes once every mutation is applied, in the order: JSON, then encoding, then bytes.</summary>
    public static byte[] Apply(JsonObject report, IReadOnlyList<ReportMutation> mutations)
    {
        var raw = new Dictionary<string, string>();
        foreach (var mutation in mutations)
        {
            switch (mutation)
            {
                case Replace replace:
                    var placeholder = $"@@raw{raw.Count}@@";
                    raw[placeholder] = replace.Literal;
                    Set(report, Fields[replace.Field], placeholder);
                    break;
                case Remove remove:
                    Set(report, Fields[remove.Field], null, remove: true);
                    break;
            }
        }
        var text = ReportJson.Serialize(report);
        foreach (var (placeholder, literal) in raw) text = text.Replace($"\"{placeholder}\"", literal);
        if (mutations.OfType<WholeText>().LastOrDefault() is { } whole) text = whole.Text;

        var bytes = mutations.OfType<Encode>().LastOrDefault() is { } encode ? Encoded(text, encode.Encoding) : Encoding.UTF8.GetBytes(text);
        foreach (var mutation in mutations)
        {
            bytes = mutation switch
            {
                FlipBytes flip when bytes.Length > 0 => Flipped(bytes, flip),
                Truncate truncate => bytes[..(int)((long)bytes.Length * truncate.Per10000 / 10_000)],
                _ => bytes,
            };
        }
        return bytes;
    }

    private static void Set(JsonObject report, string field, string? value, bool remove = false)
    {
        var (parent, name) = field.StartsWith("databases[0]", StringComparison.Ordinal) && field != "databases[0]"
            ? (report["databases"] is JsonArray { Count: > 0 } lines && lines[0] is JsonObject line ? line : null, field["databases[0].".Length..])
            : (report, field);
        if (field == "databases[0]")
        {
            if (report["databases"] is JsonArray { Count: > 0 } databases)
            {
                if (remove) databases.RemoveAt(0);
                else databases[0] = value;
            }
            return;
        }
        if (parent is null) return;
        if (remove) parent.Remove(name);
        else parent[name] = value;
    }

    private static byte[] Flipped(byte[] bytes, FlipBytes flip)
    {
        var copy = (byte[])bytes.Clone();
        for (var i = 0; i < flip.Positions.Length; i++) copy[(int)((long)flip.Positions[i] * copy.Length / 10_000)] = flip.Values[i];
        return copy;
    }

    public static byte[] Encoded(string text, string encoding) => encoding switch
    {
        "utf-8 BOM" => [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(text)],
        "utf-16LE" => [0xFF, 0xFE, .. Encoding.Unicode.GetBytes(text)],
        "utf-16BE" => [0xFE, 0xFF, .. Encoding.BigEndianUnicode.GetBytes(text)],
        "utf-32LE" => [0xFF, 0xFE, 0x00, 0x00, .. new UTF32Encoding(bigEndian: false, byteOrderMark: false).GetBytes(text)],
        "utf-32BE" => [0x00, 0x00, 0xFE, 0xFF, .. new UTF32Encoding(bigEndian: true, byteOrderMark: false).GetBytes(text)],
        "latin-1" => Encoding.Latin1.GetBytes(text),
        "utf-16LE no BOM" => Encoding.Unicode.GetBytes(text),
        // What a Windows agent writes for "Évry": one byte per letter.
        "windows-1252 bytes" => Encoding.UTF8.GetBytes(text).Select(b => b >= 0x80 ? (byte)0xC9 : b).ToArray(),
        _ => throw new ArgumentOutOfRangeException(nameof(encoding)),
    };
}
