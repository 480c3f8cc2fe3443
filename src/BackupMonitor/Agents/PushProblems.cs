using BackupMonitor.Api;
using Microsoft.AspNetCore.Http;

namespace BackupMonitor.Agents;

/// <summary>The problem+json answers of the agent routes (the API's, plus tus's 423).</summary>
internal static class PushProblems
{
    public static IResult Bad(string field, string problem) => ApiProblems.BadField(field, problem);

    public static IResult Conflict(string detail) => ApiProblems.Conflict(detail);

    public static IResult Locked() => TypedResults.Problem(
        "another PATCH of this upload is in progress; wait for it (or its connection to drop), then HEAD and resume",
        statusCode: StatusCodes.Status423Locked, title: "Locked");
}
