using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace BackupMonitor.Notifications;

/// <summary>
/// Validates the SMTP server's certificate: the system's normal checks, or, when EMAIL_CA_CERT_PATH is set,
/// a chain to that extra CA (host name still checked). Never accepts a certificate that fails both.
/// Remembers why it refused, so the error can say "certificate" rather than "TLS".
/// </summary>
public sealed class ServerCertificateTrust(string? caCertPath)
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");

    public string? RefusedBecause { get; private set; }

    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        RefusedBecause = null;
        if (errors == SslPolicyErrors.None) return true;
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
            return Refuse("the server sent no certificate");
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
            return Refuse($"the certificate is not issued for this host name (subject {certificate.Subject})");
        if (caCertPath is null)
            return Refuse($"the certificate is not trusted ({Describe(chain)}); set EMAIL_CA_CERT_PATH to your CA's PEM file for a private server");

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.ImportFromPemFile(caCertPath);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        custom.ChainPolicy.ApplicationPolicy.Add(ServerAuthentication);
        if (chain is not null)
            foreach (var element in chain.ChainElements) custom.ChainPolicy.ExtraStore.Add(element.Certificate);
        var leaf = certificate as X509Certificate2 ?? new X509Certificate2(certificate);
        if (custom.Build(leaf)) return true;
        return Refuse($"the certificate does not chain to the system's CAs nor to EMAIL_CA_CERT_PATH ({Describe(custom)})");
    }

    private bool Refuse(string reason)
    {
        RefusedBecause = reason;
        return false;
    }

    private static string Describe(X509Chain? chain) =>
        chain is null || chain.ChainStatus.Length == 0
            ? "untrusted chain"
            : string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
}
