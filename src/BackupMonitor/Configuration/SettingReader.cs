using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace BackupMonitor.Configuration;

/// <summary>Reads one named setting and turns a bad value into a message that names it.</summary>
internal sealed class SettingReader(IConfiguration configuration)
{
    public string? Text(string name)
    {
        var value = configuration[name];
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    public int Int(string name, int defaultValue, int min, int max)
    {
        var text = Text(name);
        if (text is null) return defaultValue;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            throw new SettingsException($"{name}: expected an integer from {min} to {max}, got '{text}'");
        return value;
    }

    public long Long(string name, long defaultValue, long min, long max)
    {
        var text = Text(name);
        if (text is null) return defaultValue;
        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            throw new SettingsException($"{name}: expected an integer from {min} to {max}, got '{text}'");
        return value;
    }

    public bool Bool(string name, bool defaultValue)
    {
        var text = Text(name);
        if (text is null) return defaultValue;
        return text.ToLowerInvariant() switch
        {
            "true" or "1" or "yes" or "on" => true,
            "false" or "0" or "no" or "off" => false,
            _ => throw new SettingsException($"{name}: expected true or false, got '{text}'"),
        };
    }

    public string OneOf(string name, string defaultValue, params string[] allowed)
    {
        var text = Text(name)?.ToLowerInvariant();
        if (text is null) return defaultValue;
        if (!allowed.Contains(text))
            throw new SettingsException($"{name}: expected one of {string.Join(", ", allowed)}, got '{Text(name)}'");
        return text;
    }

    public IReadOnlyList<string> List(string name) =>
        Text(name)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
}
