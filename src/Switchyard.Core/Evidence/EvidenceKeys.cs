using System.Security.Cryptography;

namespace Switchyard.Core.Evidence;

/// <summary>
/// The operator's ECDSA P-256 signing key pair, as PEM files: the private key (PKCS#8) signs exports, the public key
/// (SubjectPublicKeyInfo) is all a reviewer needs to verify them. The private key is never printed.
/// </summary>
public static class EvidenceKeys
{
    public const string PrivateKeyFile = "evidence-signing-key.pem";
    public const string PublicKeyFile = "evidence-signing-key.pub.pem";

    private const string OpensslHint = "Make a pair with `switchyard evidence keygen --out DIR` (or `openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out key.pem` and `openssl pkey -in key.pem -pubout -out pub.pem`).";

    /// <summary>Writes a new pair into <paramref name="directory"/> (private key mode 600); refuses to overwrite either file.</summary>
    public static (string PrivatePath, string PublicPath, string KeyId) Generate(string directory)
    {
        Directory.CreateDirectory(directory);
        var privatePath = Path.Combine(directory, PrivateKeyFile);
        var publicPath = Path.Combine(directory, PublicKeyFile);
        foreach (var path in new[] { privatePath, publicPath })
        {
            if (File.Exists(path)) throw new SwitchyardException($"{path} already exists; a signing key is never overwritten.", "Choose another --out directory, or move the old pair away first.");
        }
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var writer = new StreamWriter(privatePath, options))
            writer.Write(key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(publicPath, key.ExportSubjectPublicKeyInfoPem());
        return (privatePath, publicPath, KeyId(key));
    }

    /// <summary>The private key that signs (PKCS#8 or SEC1 PEM, unencrypted, P-256).</summary>
    public static ECDsa LoadPrivate(string path)
    {
        var pem = Read(path, "--sign-key");
        if (pem.Contains("ENCRYPTED PRIVATE KEY", StringComparison.Ordinal))
            throw new SwitchyardException($"{path}: the private key is encrypted; --sign-key needs an unencrypted PKCS#8 PEM.", "Decrypt a copy with `openssl pkcs8 -in key.pem -nocrypt -out plain.pem` and keep it as protected as the original.");
        if (!pem.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
            throw new SwitchyardException($"{path}: --sign-key needs a PEM private key (-----BEGIN PRIVATE KEY-----).", OpensslHint);
        return Import(path, pem, "--sign-key");
    }

    /// <summary>The public key that verifies (SubjectPublicKeyInfo PEM); a private key is refused so it is not handed around.</summary>
    public static ECDsa LoadPublic(string path)
    {
        var pem = Read(path, "--public-key");
        if (pem.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
            throw new SwitchyardException($"{path}: this is a private key; --public-key takes the public key only.", $"Give reviewers {PublicKeyFile} (or `openssl pkey -in key.pem -pubout -out pub.pem`), never the private key.");
        if (!pem.Contains("-----BEGIN PUBLIC KEY-----", StringComparison.Ordinal))
            throw new SwitchyardException($"{path}: --public-key needs a PEM public key (-----BEGIN PUBLIC KEY-----).", OpensslHint);
        return Import(path, pem, "--public-key");
    }

    /// <summary>sha256 of the public key's SubjectPublicKeyInfo: names the key in the record and in messages.</summary>
    public static string KeyId(ECDsa key) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()));

    private static string Read(string path, string option) =>
        File.Exists(path) ? File.ReadAllText(path) : throw new SwitchyardException($"{option} {path}: no such file.", OpensslHint);

    private static ECDsa Import(string path, string pem, string option)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new SwitchyardException($"{option} {path}: not an EC key in PEM ({e.Message.ReplaceLineEndings(" ")}).", OpensslHint);
        }
        if (key.KeySize != 256 || key.ExportParameters(false).Curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
        {
            key.Dispose();
            throw new SwitchyardException($"{option} {path}: the key is not on curve P-256 (evidence signatures are ECDSA P-256 with SHA-256).", OpensslHint);
        }
        return key;
    }
}
