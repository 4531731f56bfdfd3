using System.Security.Cryptography.X509Certificates;
using Azure.Identity;
using Azure.Security.KeyVault.Certificates;

namespace Sync.Storage;

/// <summary>
/// What encrypts the Data Protection key ring at rest (section <c>DataProtection</c>): a certificate held in Key Vault
/// (Azure; read with the app's identity), or a PFX file (self-hosting). Without either, the keys rest protected only by
/// the storage account, which the host warns about at start-up.
/// </summary>
public sealed class KeyRingProtection
{
    public const string Section = "DataProtection";

    /// <summary>The vault, e.g. https://my-vault.vault.azure.net/ (with <see cref="CertificateName"/>).</summary>
    public string? KeyVaultUri { get; set; }

    public string? CertificateName { get; set; }

    /// <summary>A PFX file with the certificate and its private key (with <see cref="CertificatePassword"/>).</summary>
    public string? CertificateFile { get; set; }

    public string? CertificatePassword { get; set; }

    /// <summary>The certificate to protect keys with, or null when none is configured.</summary>
    public X509Certificate2? LoadCertificate()
    {
        if (!string.IsNullOrWhiteSpace(KeyVaultUri) && !string.IsNullOrWhiteSpace(CertificateName))
        {
            // With its private key (the certificate's secret): needs the "Key Vault Secrets User" role.
            var vault = new CertificateClient(new Uri(KeyVaultUri), new DefaultAzureCredential());
            return vault.DownloadCertificate(CertificateName).Value;
        }

        return string.IsNullOrWhiteSpace(CertificateFile)
            ? null
            : X509CertificateLoader.LoadPkcs12FromFile(CertificateFile, CertificatePassword, X509KeyStorageFlags.EphemeralKeySet);
    }
}
