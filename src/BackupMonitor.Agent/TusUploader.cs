using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace BackupMonitor.Agent;

/// <summary>An upload that could not be done; <see cref="Retriable"/> when trying again later may work.</summary>
public sealed class UploadException(string message, bool retriable) : Exception(message)
{
    public bool Retriable { get; } = retriable;
}

/// <summary>
/// Uploads a spool file with tus 1.0 (SPEC §10): creates the upload once and remembers its URL beside the file, resumes
/// from the server's offset (HEAD), sends PATCHes of <see cref="ChunkSize"/> each with its SHA-256 (a corrupted chunk is
/// refused and sent again), and retries with backoff for up to retry_minutes.
/// </summary>
public sealed class TusUploader(HttpClient http, TimeSpan retryFor, Progress progress, TextWriter log)
{
    public const int ChunkSize = 16 << 20;

    /// <summary>Bytes sent in PATCH bodies by this process (what a resume saves shows here).</summary>
    public long BytesSent { get; private set; }

    public async Task UploadAsync(string file, string name, CancellationToken cancellationToken)
    {
        var until = DateTime.UtcNow + retryFor;
        var delay = TimeSpan.FromSeconds(1);
        while (true)
        {
            try
            {
                await UploadOnceAsync(file, name, cancellationToken);
                return;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException || e is UploadException { Retriable: true })
            {
                if (cancellationToken.IsCancellationRequested) throw;
                if (DateTime.UtcNow + delay > until) throw new UploadException($"{name}: {e.Message} (gave up after retry_minutes)", retriable: false);
                await log.WriteLineAsync($"upload of {name} interrupted ({e.Message}); trying again in {delay.TotalSeconds:0} s");
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromSeconds(Math.Min(60, delay.TotalSeconds * 2));
            }
        }
    }

    private async Task UploadOnceAsync(string file, string name, CancellationToken cancellationToken)
    {
        var length = new FileInfo(file).Length;
        var locationFile = file + ".upload";
        var location = File.Exists(locationFile) ? (await File.ReadAllTextAsync(locationFile, cancellationToken)).Trim() : null;
        long offset;
        if (location is null || await OffsetAsync(location, cancellationToken) is not { } known)
        {
            location = await CreateAsync(name, length, cancellationToken);
            await File.WriteAllTextAsync(locationFile, location, cancellationToken);
            offset = 0;
        }
        else offset = known;
        if (offset > 0 && offset < length) await log.WriteLineAsync($"resuming {name} at byte {offset} of {length}");
        var sentBefore = BytesSent;

        await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
        var buffer = new byte[(int)Math.Min(ChunkSize, Math.Max(1, length))];
        while (offset < length)
        {
            stream.Position = offset;
            var count = (int)Math.Min(buffer.Length, length - offset);
            await stream.ReadExactlyAsync(buffer.AsMemory(0, count), cancellationToken);
            using var request = new HttpRequestMessage(HttpMethod.Patch, location) { Content = new ByteArrayContent(buffer, 0, count) };
            request.Content.Headers.ContentType = new("application/offset+octet-stream");
            request.Headers.Add("Tus-Resumable", "1.0.0");
            request.Headers.Add("Upload-Offset", offset.ToString(CultureInfo.InvariantCulture));
            request.Headers.Add("Upload-Checksum", "sha256 " + Convert.ToBase64String(SHA256.HashData(buffer.AsSpan(0, count))));
            using var response = await http.SendAsync(request, cancellationToken);
            BytesSent += count;
            switch (response.StatusCode)
            {
                case HttpStatusCode.NoContent:
                    offset += count;
                    progress.Report($"upload {name}", offset, length);
                    break;
                case HttpStatusCode.Conflict or (HttpStatusCode)460 or HttpStatusCode.Locked:
                    // Another offset, a damaged chunk, or a PATCH still held: ask where the server is, then go on.
                    offset = await OffsetAsync(location, cancellationToken) ?? throw new UploadException($"{name}: the upload vanished", retriable: true);
                    if (response.StatusCode == HttpStatusCode.Locked) await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
                    break;
                case HttpStatusCode.NotFound:
                    File.Delete(locationFile);
                    throw new UploadException($"{name}: the server no longer knows the upload (expired); starting it again", retriable: true);
                default:
                    throw await RefusedAsync(name, response);
            }
        }
        progress.Done();
        await log.WriteLineAsync($"uploaded {name}: {length} bytes, {BytesSent - sentBefore} sent by this run");
    }

    private async Task<long?> OffsetAsync(string location, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, location);
        request.Headers.Add("Tus-Resumable", "1.0.0");
        using var response = await http.SendAsync(request, cancellationToken);
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone) return null;
        if (response.StatusCode != HttpStatusCode.OK) throw await RefusedAsync("HEAD", response);
        return long.Parse(response.Headers.GetValues("Upload-Offset").Single(), CultureInfo.InvariantCulture);
    }

    private async Task<string> CreateAsync(string name, long length, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, ServerClient.Route("uploads")) { Content = new ByteArrayContent([]) };
        request.Headers.Add("Tus-Resumable", "1.0.0");
        request.Headers.Add("Upload-Length", length.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("Upload-Metadata", "filename " + Convert.ToBase64String(Encoding.UTF8.GetBytes(name)));
        using var response = await http.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Created || response.Headers.Location is null) throw await RefusedAsync(name, response);
        return new Uri(http.BaseAddress!, response.Headers.Location).ToString();
    }

    /// <summary>A refusal: 5xx, 408, 423 and 429 may pass (retried); any other answer will not.</summary>
    public static async Task<UploadException> RefusedAsync(string what, HttpResponseMessage response)
    {
        var code = (int)response.StatusCode;
        var body = await response.Content.ReadAsStringAsync();
        return new UploadException($"{what}: the server answered {code} {response.ReasonPhrase}: {Shorten(body)}",
            retriable: code >= 500 && code != 507 || code is 408 or 423 or 429);
    }

    private static string Shorten(string text) => text.Length > 500 ? text[..500] + "…" : text;
}
