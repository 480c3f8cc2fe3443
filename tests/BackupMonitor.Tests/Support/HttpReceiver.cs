using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BackupMonitor.Tests.Support;

/// <summary>
/// A real HTTP server (Kestrel) on 127.0.0.1 that records every request it receives and answers 200, or the
/// status codes a test queues for a path (to play a receiver that is failing, throttling or refusing).
/// </summary>
public sealed class HttpReceiver : IAsyncDisposable
{
    public sealed record Request(string Method, string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body)
    {
        public string Text => System.Text.Encoding.UTF8.GetString(Body);
        public System.Text.Json.Nodes.JsonNode Json => System.Text.Json.Nodes.JsonNode.Parse(Text)!;
    }

    private readonly WebApplication app;
    private readonly ConcurrentQueue<Request> received = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<int>> answers = new();

    private HttpReceiver(WebApplication app) => this.app = app;

    public string BaseUrl { get; private set; } = "";

    public IReadOnlyList<Request> Received => received.ToList();

    public IReadOnlyList<Request> At(string path) => received.Where(r => r.Path == path).ToList();

    /// <summary>The next requests to <paramref name="path"/> are answered with these codes, in order; then 200 again.</summary>
    public void Answer(string path, params int[] codes)
    {
        var queue = answers.GetOrAdd(path, _ => new ConcurrentQueue<int>());
        foreach (var code in codes) queue.Enqueue(code);
    }

    public static async Task<HttpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new HttpReceiver(app);
        app.Run(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            var path = context.Request.Path.Value ?? "/";
            receiver.received.Enqueue(new Request(context.Request.Method, path, headers, body.ToArray()));
            var code = receiver.answers.TryGetValue(path, out var queue) && queue.TryDequeue(out var queued) ? queued : 200;
            context.Response.StatusCode = code;
            if (code >= 400) await context.Response.WriteAsync($"receiver says no ({code})");
        });
        await app.StartAsync();
        receiver.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
