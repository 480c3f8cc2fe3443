using System.Collections.Concurrent;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using BackupMonitor.Configuration;
using Fluid;

namespace BackupMonitor.Notifications;

/// <summary>
/// The message templates (Liquid, rendered with Fluid): `&lt;kind&gt;.&lt;language&gt;.&lt;part&gt;.liquid`, part being
/// `subject`, `text`, `html` or `chat`. Embedded in the program; a file of the same name in TEMPLATES_DIRECTORY
/// replaces one. Parsed once per process. A template that does not parse throws where it is rendered: at delivery.
/// </summary>
public sealed class NotificationTemplates(DeliveryOptions options)
{
    private static readonly FluidParser Parser = new();
    private static readonly TemplateOptions Options = new();

    /// <summary>HTML output: values escaped, letters (é, ü…) kept readable.</summary>
    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);

    private readonly ConcurrentDictionary<string, IFluidTemplate> parsed = new(StringComparer.Ordinal);

    /// <summary>Renders one part with these values (null values are Liquid's nil, so `| default:` applies).</summary>
    public string Render(string kind, string language, string part, IReadOnlyDictionary<string, string?> values) => Render(kind, language, part, values, null);

    /// <summary>Renders one part; a digest's notices are the list `items`, each with the values of one notice.</summary>
    public string Render(string kind, string language, string part, IReadOnlyDictionary<string, string?> values, IReadOnlyList<Dictionary<string, object?>>? items,
        object? payload = null)
    {
        var name = $"{kind}.{language}.{part}.liquid";
        var template = parsed.GetOrAdd(name, Parse);
        var context = new TemplateContext(Options);
        foreach (var (key, value) in values)
            if (value is not null) context.SetValue(key, value);
        if (items is not null) context.SetValue("items", items);
        if (payload is not null) context.SetValue("payload", payload);
        return part == "html" ? template.Render(context, Html) : template.Render(context);
    }

    /// <summary>Renders one part from a nested model (lists and dictionaries: a monthly report's companies, jobs and calendar).</summary>
    public string RenderModel(string kind, string language, string part, IReadOnlyDictionary<string, object?> model)
    {
        var template = parsed.GetOrAdd($"{kind}.{language}.{part}.liquid", Parse);
        var context = new TemplateContext(Options);
        foreach (var (key, value) in model)
            if (value is not null) context.SetValue(key, value);
        return part is "html" or "page" ? template.Render(context, Html) : template.Render(context);
    }

    private IFluidTemplate Parse(string name)
    {
        var (source, origin) = Read(name);
        if (!Parser.TryParse(source, out var template, out var error))
            throw new InvalidOperationException($"template {origin} does not parse: {error}");
        return template;
    }

    private (string Source, string Origin) Read(string name)
    {
        if (options.TemplatesDirectory is { } folder && File.Exists(Path.Combine(folder, name)))
            return (File.ReadAllText(Path.Combine(folder, name)), Path.Combine(folder, name));
        using var stream = typeof(NotificationTemplates).Assembly.GetManifestResourceStream($"BackupMonitor.Notifications.Templates.{name}")
            ?? throw new InvalidOperationException($"template {name} does not exist (no embedded template of that kind and language)");
        using var reader = new StreamReader(stream);
        return (reader.ReadToEnd(), $"{name} (embedded)");
    }
}
