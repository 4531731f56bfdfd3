using System.Net;
using Sync.Durable.Downloads;

namespace Sync.Durable.Tests;

[TestClass]
public sealed class SafeHttpTests
{
    [TestMethod]
    [DataRow("127.0.0.1", "loopback")]
    [DataRow("127.255.255.254", "loopback")]
    [DataRow("10.1.2.3", "private")]
    [DataRow("172.16.0.1", "private")]
    [DataRow("172.31.255.255", "private")]
    [DataRow("192.168.1.1", "private")]
    [DataRow("100.64.0.1", "CGNAT")]
    [DataRow("169.254.169.254", "metadata")]
    [DataRow("0.0.0.0", "unspecified")]
    [DataRow("224.0.0.1", "multicast")]
    [DataRow("255.255.255.255", "reserved")]
    [DataRow("192.0.2.10", "documentation")]
    [DataRow("::1", "loopback")]
    [DataRow("::", "unspecified")]
    [DataRow("fe80::1", "link-local")]
    [DataRow("fd00:ec2::254", "unique local")]
    [DataRow("ff02::1", "multicast")]
    [DataRow("::ffff:127.0.0.1", "loopback")]
    [DataRow("::ffff:169.254.169.254", "metadata")]
    [DataRow("64:ff9b::a00:1", "private")]
    [DataRow("::127.0.0.1", "IPv4-compatible")]
    public void Addresses_a_download_may_not_reach_are_refused_with_the_reason(string address, string reason) =>
        StringAssert.Contains(SafeHttp.Refusal(IPAddress.Parse(address)), reason);

    [TestMethod]
    [DataRow("8.8.8.8")]
    [DataRow("20.60.1.1")]
    [DataRow("172.32.0.1")]
    [DataRow("100.128.0.1")]
    [DataRow("2606:4700:4700::1111")]
    [DataRow("::ffff:8.8.4.4")]
    public void Public_addresses_are_allowed(string address) => Assert.IsNull(SafeHttp.Refusal(IPAddress.Parse(address)));

    [TestMethod]
    public void Every_spelling_of_a_loopback_host_is_the_loopback_address_the_check_sees()
    {
        // System.Uri reads decimal, octal and hex IPv4 hosts as the address they mean; the connect check then refuses it.
        foreach (string url in new[] { "http://2130706433/", "http://0x7f000001/", "http://0177.0.0.1/", "http://127.1/", "http://[::ffff:7f00:1]/" })
        {
            var uri = new Uri(url);
            Assert.IsNotNull(SafeHttp.Refusal(IPAddress.Parse(uri.IdnHost.Trim('[', ']'))), url);
        }
    }

    [TestMethod]
    public void URLs_are_checked_before_any_request()
    {
        var strict = new DownloadOptions();
        Assert.AreEqual("https://files.example/a.csv?sig=1", SafeHttp.Check("https://files.example/a.csv?sig=1", strict).ToString());
        StringAssert.Contains(Assert.ThrowsExactly<UnsafeUrlException>(() => SafeHttp.Check("http://files.example/a.csv", strict)).Message, "https://");
        StringAssert.Contains(Assert.ThrowsExactly<UnsafeUrlException>(() => SafeHttp.Check("file:///etc/passwd", strict)).Message, "'file:'");
        StringAssert.Contains(Assert.ThrowsExactly<UnsafeUrlException>(() => SafeHttp.Check("ftp://files.example/a", strict)).Message, "'ftp:'");
        StringAssert.Contains(Assert.ThrowsExactly<UnsafeUrlException>(() => SafeHttp.Check("https://user:secret@files.example/a", strict)).Message, "credentials");
        Assert.ThrowsExactly<UnsafeUrlException>(() => SafeHttp.Check("not a url", strict));
        Assert.AreEqual("http", SafeHttp.Check("http://files.example/a", new DownloadOptions { AllowHttp = true }).Scheme);
    }
}
