using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BackupMonitor.Api;

/// <summary>
/// Failed authentications per client address (a wrong API key on any route, a wrong key on the dashboard's sign-in),
/// counted with the framework's rate limiter: past <see cref="PermitLimit"/> failures in a <see cref="Window"/>, a
/// failure is answered 429 with Retry-After. Only failures take permits, and a key is checked before any limit: a
/// valid key is never slowed, so a flood of bad guesses from one address (or a proxy shared with it) locks nobody out.
/// </summary>
public sealed class FailedAuthentications(TimeProvider time, ILogger<FailedAuthentications> logger) : IDisposable
{
    public const int PermitLimit = 10;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly PartitionedRateLimiter<string> limiter = PartitionedRateLimiter.Create<string, string>(client =>
        RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = PermitLimit,
            Window = Window,
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    /// <summary>When each limited client was last logged, so a flood gives one warning per window, not one per request.</summary>
    private readonly ConcurrentDictionary<string, DateTimeOffset> loggedUntil = new();

    /// <summary>Counts a failure of this request's client: null while it is within the limit, else how long it must wait.</summary>
    public TimeSpan? Fail(HttpContext context)
    {
        var client = ClientOf(context.Connection.RemoteIpAddress);
        using var lease = limiter.AttemptAcquire(client);
        if (lease.IsAcquired) return null;
        var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) && retryAfter > TimeSpan.Zero ? retryAfter : Window;
        var now = time.GetUtcNow();
        if (loggedUntil.Count > 10_000) loggedUntil.Clear();
        if (!loggedUntil.TryGetValue(client, out var until) || until <= now)
        {
            loggedUntil[client] = now + wait;
            logger.LogWarning("More than {Limit} failed authentications in {Window} s from {Client}; its failed attempts are answered 429 for {Seconds} s (valid keys still work)",
                PermitLimit, (int)Window.TotalSeconds, client, Seconds(wait));
        }
        return wait;
    }

    /// <summary>The Retry-After value: whole seconds, rounded up.</summary>
    public static int Seconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));

    /// <summary>
    /// The partition of an address: IPv4 (also IPv4 mapped into IPv6) by address, IPv6 by its /64 network, which one
    /// machine usually holds whole (it could otherwise change address at every try).
    /// </summary>
    public static string ClientOf(IPAddress? address)
    {
        if (address is null) return "unknown";
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    public void Dispose() => limiter.Dispose();
}

public static class FailedAuthenticationsSetup
{
    /// <summary>After UseAuthentication: a request whose bearer key failed is counted, and refused with 429 past the limit.</summary>
    public static WebApplication UseFailedAuthenticationLimit(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (context.Request.Headers.Authorization.Count > 0)
            {
                // The scheme's result is cached per request: UseAuthentication already checked the key. Agent routes
                // are judged by the agent scheme alone: a wrong agent token costs the same budget as a wrong key.
                var scheme = Agents.AgentAuthentication.IsAgentRoute(context.Request.Path) ? Agents.AgentAuthentication.Scheme : ApiKeyAuthentication.Scheme;
                var result = await context.AuthenticateAsync(scheme);
                if (result.Failure is not null && context.RequestServices.GetRequiredService<FailedAuthentications>().Fail(context) is { } wait)
                {
                    await TooManyFailures(context, wait).ExecuteAsync(context);
                    return;
                }
            }
            await next(context);
        });
        return app;
    }

    private static IResult TooManyFailures(HttpContext context, TimeSpan wait)
    {
        var seconds = FailedAuthentications.Seconds(wait);
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(
            $"more than {FailedAuthentications.PermitLimit} failed authentications in a minute from this address; try again in {seconds} s (a valid key is never refused)",
            statusCode: StatusCodes.Status429TooManyRequests, title: "Too Many Requests");
    }
}
