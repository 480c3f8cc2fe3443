using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace BackupMonitor.Agent;

/// <summary>The HTTP client of the agent's routes: the base URL, the agent's token, and `ca_cert` trusted for the server's certificate.</summary>
public static class ServerClient
{
    public static HttpClient Create(AgentConfiguration configuration, string token)
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), ConnectTimeout = TimeSpan.FromSeconds(30) };
        if (configuration.CaCert is { } caPath)
        {
            var ca = X509CertificateLoader.LoadCertificateFromFile(caPath);
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                // A private CA: the chain must end at it (the system's CAs still count); the host name is always checked.
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                {
                    if (errors == SslPolicyErrors.None) return true;
                    if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0) return false;
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(ca);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return chain.Build(new X509Certificate2(certificate));
                },
            };
        }
        var client = new HttpClient(handler) { BaseAddress = configuration.Server, Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("backupmonitor-agent", "1.0"));
        return client;
    }

    /// <summary>A route of the agent API under the server's base URL (which may itself have a path).</summary>
    public static string Route(string path) => "api/agent/v1/" + path;
}
