using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.Extensions.Primitives;

namespace BackupMonitor.Api;

/// <summary>The query parameters of a keyset page (SPEC §9) and the `Link: &lt;…&gt;; rel="next"` header that continues it.</summary>
internal static class NextPageLink
{
    public const int MaxLimit = 1000;

    /// <summary>Parses `limit` (1..<see cref="MaxLimit"/>, or <paramref name="fallback"/> when absent) and `after_id` (a positive id).</summary>
    public static string? TryParse(string? limit, string? afterId, int? fallback, out int? size, out int? after)
    {
        size = fallback;
        after = null;
        if (limit is not null)
        {
            if (!int.TryParse(limit, out var n) || n < 1 || n > MaxLimit) return "limit";
            size = n;
        }
        if (afterId is not null)
        {
            if (!int.TryParse(afterId, out var id) || id < 1) return "after_id";
            after = id;
        }
        return null;
    }

    /// <summary>The 400 for a field <see cref="TryParse"/> refused, naming it and what it takes.</summary>
    public static Microsoft.AspNetCore.Http.HttpResults.ValidationProblem Problem(string field, string? limit, string? afterId) => field == "limit"
        ? ApiProblems.BadField("limit", $"must be an integer from 1 to {MaxLimit}, got '{limit}'")
        : ApiProblems.BadField("after_id", $"must be a positive integer id, got '{afterId}'");

    /// <summary>Same path and parameters, with `after_id` moved on: a client follows it without knowing the rules.</summary>
    public static void Add(HttpContext context, int? nextAfterId)
    {
        if (nextAfterId is not { } next) return;
        var request = context.Request;
        var query = new QueryBuilder(request.Query
            .Where(p => p.Key != "after_id")
            .SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string>(p.Key, v ?? ""))))
        {
            { "after_id", next.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        };
        var url = UriHelper.BuildAbsolute(request.Scheme, request.Host, request.PathBase, request.Path, query.ToQueryString());
        context.Response.Headers.Append("Link", new StringValues($"<{url}>; rel=\"next\""));
    }
}
