using System.Text.Json;
using System.Text.RegularExpressions;

namespace BackupMonitor.Agent;

/// <summary>One database the agent dumps: its name, the command (an argument list, never a shell line), the compression.</summary>
public sealed record DatabaseConfiguration(string Name, IReadOnlyList<string> Command, string Compress, string Extension)
{
    public string Suffix => Compress switch { "gzip" => ".gz", "zstd" => ".zst", _ => "" };
}

/// <summary>The agent's JSON configuration (SPEC §10), validated whole: every problem is named before anything runs.</summary>
public sealed partial record AgentConfiguration(
    Uri Server, string AgentId, string TokenFile, string SpoolDirectory, int RetryMinutes, IReadOnlyList<DatabaseConfiguration> Databases, string? CaCert)
{
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")]
    private static partial Regex Identifier();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,30}$")]
    private static partial Regex ExtensionPattern();

    /// <summary>Reads and validates the file; throws <see cref="ConfigurationException"/> listing every problem.</summary>
    public static AgentConfiguration Load(string path)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            root = document.RootElement.Clone();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new ConfigurationException([$"{path}: {e.Message}"]);
        }
        var problems = new List<string>();
        if (root.ValueKind != JsonValueKind.Object) throw new ConfigurationException(["the configuration must be a JSON object"]);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string? Text(JsonElement obj, string name, string where, bool required = true)
        {
            if (obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text) return text;
            if (required || (obj.TryGetProperty(name, out var present) && present.ValueKind != JsonValueKind.Null)) problems.Add($"{where}{name}: required, a non-empty string");
            return null;
        }

        var serverText = Text(root, "server", "");
        Uri? server = null;
        if (serverText is not null && (!Uri.TryCreate(serverText.TrimEnd('/') + "/", UriKind.Absolute, out server) || server.Scheme is not ("https" or "http")))
            problems.Add($"server: must be an http(s) base URL, got '{serverText}'");
        var agentId = Text(root, "agent_id", "");
        if (agentId is not null && !Identifier().IsMatch(agentId)) problems.Add($"agent_id: must match ^[A-Za-z0-9][A-Za-z0-9._-]{{0,127}}$, got '{agentId}'");
        var tokenFile = Text(root, "token_file", "");
        var spool = Text(root, "spool_directory", "");
        var caCert = Text(root, "ca_cert", "", required: false);
        var retry = 30;
        if (root.TryGetProperty("retry_minutes", out var retryValue) && (!retryValue.TryGetInt32(out retry) || retry < 0 || retry > 10_080))
            problems.Add("retry_minutes: must be an integer from 0 to 10080");

        var databases = new List<DatabaseConfiguration>();
        if (!root.TryGetProperty("databases", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
            problems.Add("databases: required, a non-empty array");
        else
        {
            var i = 0;
            foreach (var item in list.EnumerateArray())
            {
                var where = $"databases[{i++}].";
                if (item.ValueKind != JsonValueKind.Object) { problems.Add($"{where[..^1]}: must be an object"); continue; }
                var name = Text(item, "name", where);
                if (name is not null && !Identifier().IsMatch(name)) problems.Add($"{where}name: must match ^[A-Za-z0-9][A-Za-z0-9._-]{{0,127}}$, got '{name}'");
                var command = new List<string>();
                if (!item.TryGetProperty("command", out var args) || args.ValueKind != JsonValueKind.Array || args.GetArrayLength() == 0
                    || args.EnumerateArray().Any(a => a.ValueKind != JsonValueKind.String || a.GetString() is not { Length: > 0 }))
                    problems.Add($"{where}command: required, a non-empty array of strings (the program and its arguments; no shell)");
                else command.AddRange(args.EnumerateArray().Select(a => a.GetString()!));
                var compress = Text(item, "compress", where, required: false) ?? "none";
                if (compress is not ("none" or "gzip" or "zstd")) problems.Add($"{where}compress: must be none, gzip or zstd, got '{compress}'");
                var extension = Text(item, "extension", where);
                if (extension is not null && !ExtensionPattern().IsMatch(extension)) problems.Add($"{where}extension: letters, digits, '.', '_' or '-' (e.g. dump or sql), got '{extension}'");
                if (name is not null && databases.Any(d => d.Name == name)) problems.Add($"{where}name: '{name}' is configured twice");
                if (name is not null && extension is not null) databases.Add(new DatabaseConfiguration(name, command, compress, extension));
            }
        }
        if (problems.Count > 0) throw new ConfigurationException(problems);
        return new AgentConfiguration(server!, agentId!, Path.Combine(folder, tokenFile!), Path.Combine(folder, spool!), retry, databases,
            caCert is null ? null : Path.Combine(folder, caCert));
    }

    /// <summary>The token file's content, surrounding whitespace ignored.</summary>
    public string ReadToken()
    {
        try
        {
            var token = File.ReadAllText(TokenFile).Trim();
            return token.Length > 0 ? token : throw new ConfigurationException([$"token_file: '{TokenFile}' is empty"]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException([$"token_file: cannot read '{TokenFile}': {e.Message}"]);
        }
    }
}

/// <summary>A configuration that cannot be used (exit code 2).</summary>
public sealed class ConfigurationException(IReadOnlyList<string> problems) : Exception(string.Join(Environment.NewLine, problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
