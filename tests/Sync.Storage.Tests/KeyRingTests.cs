using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Azure.Storage.Blobs.Models;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Sync.Testing;

namespace Sync.Storage.Tests;

[TestClass]
public sealed class KeyRingTests
{
    [TestMethod]
    public async Task Every_host_of_a_deployment_shares_the_key_ring_and_a_certificate_keeps_its_keys_encrypted()
    {
        string prefix = TestStorage.NewPrefix("k");
        string pfx = Path.Combine(Path.GetTempPath(), $"{prefix}.pfx");
        using (var rsa = RSA.Create(2048))
        {
            using var certificate = new CertificateRequest("CN=sync-tests-dataprotection", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
                .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
            await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pfx, "pfx-password"));
        }

        try
        {
            var settings = new Dictionary<string, string?>
            {
                ["Storage:ConnectionString"] = TestStorage.ConnectionString,
                ["Storage:Prefix"] = prefix,
                ["DataProtection:CertificateFile"] = pfx,
                ["DataProtection:CertificatePassword"] = "pfx-password",
            };
            await using var first = Host(settings);
            await first.GetRequiredService<StorageAccount>().EnsureCreatedAsync(CancellationToken.None);
            string secret = first.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("refresh-token-value");

            // Another host (a second instance, or this one restarted) reads what the first encrypted.
            await using var second = Host(settings);
            Assert.AreEqual("refresh-token-value", second.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Unprotect(secret));

            var account = first.GetRequiredService<StorageAccount>();
            var container = account.Container(account.Names.SyncContainer);
            var keys = new List<string>();
            await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = "dataprotection/" }))
            {
                keys.Add((await container.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToString());
            }

            Assert.HasCount(1, keys);
            StringAssert.Contains(keys[0], "<EncryptedData", "the key is stored encrypted with the certificate");
            Assert.DoesNotContain("<masterKey", keys[0], "no master key in the clear");
        }
        finally
        {
            File.Delete(pfx);
        }
    }

    private static ServiceProvider Host(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddSyncStorage(configuration).BuildServiceProvider();
    }
}
