using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace BackupMonitor.Uploads;

/// <summary>The tus 1.0.0 headers this server speaks (tus.io protocol: core, creation, checksum, termination, expiration).</summary>
public static class Tus
{
    public const string Version = "1.0.0";
    public const string Extensions = "creation,checksum,termination,expiration";
    public const string ChecksumAlgorithms = "sha1,sha256";
    public const string OffsetContentType = "application/offset+octet-stream";
    /// <summary>tus's "checksum mismatch" status.</summary>
    public const int ChecksumMismatch = 460;

    public static void Stamp(HttpResponse response)
    {
        response.Headers["Tus-Resumable"] = Version;
        response.Headers.CacheControl = "no-store";
    }

    /// <summary>Upload-Expires is an RFC 9110 date (`Sun, 06 Dec 2026 07:00:00 GMT`).</summary>
    public static string HttpDate(DateTime utc) => utc.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A non-negative integer header, or null when absent or malformed.</summary>
    public static long? Number(HttpRequest request, string header) =>
        request.Headers.TryGetValue(header, out var value) && long.TryParse(value.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary>
    /// Upload-Metadata: comma-separated `key base64value` pairs (a key alone has an empty value). Null when a pair
    /// is not valid base64 or not UTF-8.
    /// </summary>
    public static Dictionary<string, string>? Metadata(string? header)
    {
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(header)) return pairs;
        foreach (var pair in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var space = pair.IndexOf(' ');
            var key = space < 0 ? pair : pair[..space];
            try
            {
                pairs[key] = space < 0 ? "" : new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Convert.FromBase64String(pair[(space + 1)..].Trim()));
            }
            catch (Exception e) when (e is FormatException or DecoderFallbackException)
            {
                return null;
            }
        }
        return pairs;
    }

    /// <summary>What an Upload-Checksum header asks: the algorithm's incremental hash and the expected digest.</summary>
    public sealed record Checksum(string Algorithm, byte[] Expected)
    {
        public IncrementalHash NewHash() => IncrementalHash.CreateHash(Algorithm == "sha1" ? HashAlgorithmName.SHA1 : HashAlgorithmName.SHA256);
    }

    /// <summary>Parses `Upload-Checksum: &lt;algorithm&gt; &lt;base64 digest&gt;`; the problem says what is wrong.</summary>
    public static (Checksum? Checksum, string? Problem) ParseChecksum(string? header)
    {
        if (string.IsNullOrWhiteSpace(header)) return (null, null);
        var parts = header.Trim().Split(' ', 2, StringSplitOptions.TrimEntries);
        var algorithm = parts[0].ToLowerInvariant();
        if (algorithm is not ("sha1" or "sha256"))
            return (null, $"Upload-Checksum: algorithm '{parts[0]}' is not supported (use one of {ChecksumAlgorithms})");
        try
        {
            var digest = parts.Length == 2 ? Convert.FromBase64String(parts[1]) : [];
            if (digest.Length != (algorithm == "sha1" ? 20 : 32)) return (null, $"Upload-Checksum: the {algorithm} digest must be the base64 of {(algorithm == "sha1" ? 20 : 32)} bytes");
            return (new Checksum(algorithm, digest), null);
        }
        catch (FormatException)
        {
            return (null, "Upload-Checksum: the digest is not valid base64");
        }
    }
}
