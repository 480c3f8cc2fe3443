using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;

namespace BackupMonitor.Notifications;

/// <summary>
/// One embedded template (Templates/&lt;name&gt;.&lt;language&gt;.txt): `key: value` header lines (`subject` and the
/// language's words), a blank line, then the plain-text body. `{name}` is replaced by a value, `{name|text}`
/// gives the text to show when the value is absent, else the template's `not_available` word.
/// </summary>
public sealed partial class MessageTemplate
{
    private static readonly ConcurrentDictionary<string, MessageTemplate> Loaded = new();

    private readonly string subject;
    private readonly string body;

    private MessageTemplate(IReadOnlyDictionary<string, string> words, string subject, string body)
    {
        Words = words;
        this.subject = subject;
        this.body = body;
    }

    /// <summary>The template's header values (`hash_differs`, `not_available`…).</summary>
    public IReadOnlyDictionary<string, string> Words { get; }

    public static MessageTemplate Get(string name, string language) =>
        Loaded.GetOrAdd($"{name}.{language}", key => Parse(key, ReadResource($"BackupMonitor.Notifications.Templates.{key}.txt")));

    public (string Subject, string Text, string Html) Render(IReadOnlyDictionary<string, string?> values)
    {
        var text = Fill(body, values).TrimEnd() + "\n";
        return (Fill(subject, values), text, ToHtml(text));
    }

    private string Fill(string template, IReadOnlyDictionary<string, string?> values) =>
        Placeholder().Replace(template, m =>
        {
            var name = m.Groups[1].Value;
            if (!values.TryGetValue(name, out var value))
                throw new InvalidOperationException($"template placeholder {{{name}}} has no value");
            return string.IsNullOrEmpty(value) ? (m.Groups[2].Success ? m.Groups[2].Value : Words["not_available"]) : value;
        });

    /// <summary>The HTML alternative: the same text, escaped, in a monospace block so the columns stay aligned.</summary>
    private static string ToHtml(string text) =>
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head><body>\n" +
        "<pre style=\"font-family: monospace; font-size: 13px\">" + WebUtility.HtmlEncode(text) + "</pre>\n</body></html>\n";

    private static MessageTemplate Parse(string key, string content)
    {
        var lines = content.Replace("\r\n", "\n").Split('\n');
        var words = new Dictionary<string, string>(StringComparer.Ordinal);
        var i = 0;
        for (; i < lines.Length && lines[i].Length > 0; i++)
        {
            var colon = lines[i].IndexOf(':');
            if (colon <= 0) throw new InvalidOperationException($"template {key}: header line {i + 1} is not 'key: value'");
            words[lines[i][..colon].Trim()] = lines[i][(colon + 1)..].Trim();
        }
        if (!words.Remove("subject", out var subject)) throw new InvalidOperationException($"template {key}: no subject line");
        if (!words.ContainsKey("not_available")) throw new InvalidOperationException($"template {key}: no not_available line");
        return new MessageTemplate(words, subject, string.Join('\n', lines.Skip(i + 1)));
    }

    private static string ReadResource(string name)
    {
        using var stream = typeof(MessageTemplate).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"embedded template {name} is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"\{([a-z_]+)(?:\|([^}]*))?\}")]
    private static partial Regex Placeholder();
}
