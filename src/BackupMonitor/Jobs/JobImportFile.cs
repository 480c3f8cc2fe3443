using System.Globalization;
using System.Text;
using System.Text.Json;

namespace BackupMonitor.Jobs;

/// <summary>
/// Reads a job list: CSV with header `company,city,neighborhood,database,hour,minute[,agent_id,grace_minutes,schedule,time_zone]`
/// (hour and minute empty on a line that gives a schedule),
/// or a JSON array of objects with the API's names. Problems name the line.
/// </summary>
public static class JobImportFile
{
    private static readonly string[] RequiredColumns = ["company", "city", "neighborhood", "database", "hour", "minute"];
    private static readonly string[] OptionalColumns = ["agent_id", "grace_minutes", "schedule", "time_zone"];

    public static IReadOnlyList<(string Where, NewJob Job)> Read(string path)
    {
        if (!File.Exists(path)) throw new JobValidationException([$"{path}: no such file"]);
        var text = File.ReadAllText(path, Encoding.UTF8);
        var trimmed = text.TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        return trimmed.StartsWith('[') || trimmed.StartsWith('{') ? ReadJson(text) : ReadCsv(text);
    }

    public static IReadOnlyList<(string Where, NewJob Job)> ReadCsv(string text)
    {
        var rows = CsvRows(text).ToList();
        if (rows.Count == 0) throw new JobValidationException(["line 1: empty file, expected the header " + string.Join(',', RequiredColumns)]);
        var header = rows[0].Fields.Select(h => h.Trim().ToLowerInvariant()).ToList();
        var problems = new List<string>();
        foreach (var column in RequiredColumns.Where(c => !header.Contains(c)))
            problems.Add($"line {rows[0].Line}: header lacks column '{column}' (expected {string.Join(',', RequiredColumns)}[,{string.Join(',', OptionalColumns)}])");
        foreach (var column in header.Where(h => !RequiredColumns.Contains(h) && !OptionalColumns.Contains(h)))
            problems.Add($"line {rows[0].Line}: unknown column '{column}'");
        if (problems.Count > 0) throw new JobValidationException(problems);

        var jobs = new List<(string, NewJob)>();
        foreach (var (line, fields) in rows.Skip(1))
        {
            if (fields.All(string.IsNullOrWhiteSpace)) continue;
            var where = $"line {line}";
            if (fields.Count != header.Count)
            {
                problems.Add($"{where}: {fields.Count} fields, the header has {header.Count}");
                continue;
            }
            string? Field(string name) => header.IndexOf(name) is var i and >= 0 && !string.IsNullOrWhiteSpace(fields[i]) ? fields[i].Trim() : null;
            int? Number(string name, string field)
            {
                var value = Field(name);
                if (value is null) return null;
                if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)) return n;
                problems.Add($"{where}: {field}: must be an integer, got '{value}'");
                return null;
            }
            var before = problems.Count;
            var job = new NewJob(Field("company"), Field("city"), Field("neighborhood"), Field("database"),
                Number("hour", "expected_hour_utc"), Number("minute", "expected_minute_utc"), Field("agent_id"), Number("grace_minutes", "grace_minutes"),
                Field("schedule"), Field("time_zone"));
            if (problems.Count == before) jobs.Add((where, job));
        }
        if (problems.Count > 0) throw new JobValidationException(problems);
        return jobs;
    }

    public static IReadOnlyList<(string Where, NewJob Job)> ReadJson(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes);
        }
        catch (JsonException e)
        {
            throw new JobValidationException([$"line {e.LineNumber + 1}: malformed JSON: {e.Message.Split(" Path:")[0]}"]);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
                throw new JobValidationException(["line 1: expected a JSON array of job objects"]);
            var lines = ItemStartLines(bytes);
            var problems = new List<string>();
            var jobs = new List<(string, NewJob)>();
            var index = 0;
            foreach (var item in document.RootElement.EnumerateArray())
            {
                var where = $"line {lines[index]} (item {index + 1})";
                index++;
                if (item.ValueKind != JsonValueKind.Object)
                {
                    problems.Add($"{where}: expected an object");
                    continue;
                }
                var before = problems.Count;
                string? Text(params string[] names)
                {
                    foreach (var name in names)
                    {
                        if (!item.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) continue;
                        if (v.ValueKind == JsonValueKind.String) return v.GetString();
                        problems.Add($"{where}: {names[0]}: must be a string");
                        return null;
                    }
                    return null;
                }
                int? Number(params string[] names)
                {
                    foreach (var name in names)
                    {
                        if (!item.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) continue;
                        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n)) return n;
                        problems.Add($"{where}: {names[0]}: must be an integer, got {v.GetRawText()}");
                        return null;
                    }
                    return null;
                }
                var job = new NewJob(Text("company_name", "company"), Text("city"), Text("neighborhood"), Text("database_name", "database"),
                    Number("expected_hour_utc", "hour"), Number("expected_minute_utc", "minute"),
                    Text("agent_id_responsible", "agent_id"), Number("grace_minutes"), Text("schedule"), Text("time_zone"));
                if (problems.Count == before) jobs.Add((where, job));
            }
            if (problems.Count > 0) throw new JobValidationException(problems);
            return jobs;
        }
    }

    /// <summary>The line on which each top-level array item starts, so errors can name it.</summary>
    private static List<int> ItemStartLines(byte[] bytes)
    {
        var lines = new List<int>();
        var reader = new Utf8JsonReader(bytes);
        while (reader.Read())
        {
            if (reader.CurrentDepth == 1 && reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray
                or JsonTokenType.String or JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null)
            {
                lines.Add(1 + bytes.AsSpan(0, (int)reader.TokenStartIndex).Count((byte)'\n'));
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) reader.Skip();
            }
        }
        return lines;
    }

    /// <summary>RFC 4180 rows (quoted fields, doubled quotes, CRLF or LF), with the line each starts on.</summary>
    private static IEnumerable<(int Line, List<string> Fields)> CsvRows(string text)
    {
        var line = 1;
        var i = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;
        while (i < text.Length)
        {
            var startLine = line;
            var fields = new List<string>();
            var field = new StringBuilder();
            var quoted = false;
            for (; i < text.Length; i++)
            {
                var c = text[i];
                if (quoted)
                {
                    if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                    else if (c == '"') quoted = false;
                    else { if (c == '\n') line++; field.Append(c); }
                }
                else if (c == '"' && field.Length == 0) quoted = true;
                else if (c == ',') { fields.Add(field.ToString()); field.Clear(); }
                else if (c == '\n') { i++; line++; break; }
                else if (c != '\r') field.Append(c);
            }
            fields.Add(field.ToString());
            yield return (startLine, fields);
        }
    }
}
