using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BackupMonitor.Api;

/// <summary>400 problem details whose `errors` name each bad field (or query parameter) and the rule it breaks.</summary>
internal static class ApiProblems
{
    public static ValidationProblem BadField(string field, string problem) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [$"{field}: {problem}"] },
            detail: $"{field}: {problem}", title: "Bad request");

    /// <summary>Problems worded "field: rule", as <see cref="Jobs.NewJob.Problems"/> writes them.</summary>
    public static ValidationProblem BadFields(IReadOnlyList<string> problems) =>
        TypedResults.ValidationProblem(
            problems.GroupBy(FieldOf).ToDictionary(g => g.Key, g => g.ToArray()),
            detail: string.Join("; ", problems), title: "Bad request");

    public static ProblemHttpResult NotFound(string what) =>
        TypedResults.Problem(what, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict");

    /// <summary>A registry's change; its refusal (<see cref="Notifications.RoutingRequestException"/>) as 404, 409 or 400 naming the field.</summary>
    public static async Task<IResult> OrRefusal<T>(Func<Task<T>> work) where T : IResult
    {
        try
        {
            return await work();
        }
        catch (Notifications.RoutingRequestException e)
        {
            return e.Problem switch
            {
                Notifications.RoutingProblem.NotFound => NotFound(e.Message),
                Notifications.RoutingProblem.Conflict => Conflict(e.Message),
                _ => BadField(e.Field, e.Detail),
            };
        }
    }

    private static string FieldOf(string problem)
    {
        var colon = problem.IndexOf(": ", StringComparison.Ordinal);
        return colon > 0 ? problem[..colon] : "body";
    }
}
