namespace Concord.Server.Infrastructure.Auth;

/// <summary>bcrypt via BCrypt.Net-Next; verifies $2a$/$2b$/$2y$ hashes, so hashes made by Node's bcryptjs migrate as they are.</summary>
public sealed class PasswordHasher
{
    private readonly int _workFactor;
    // Verified against when the email is unknown, so both login failures cost one bcrypt run.
    private readonly string _dummyHash;

    public PasswordHasher(AuthOptions options)
    {
        _workFactor = options.BcryptWorkFactor;
        _dummyHash = BCrypt.Net.BCrypt.HashPassword(Guid.NewGuid().ToString(), _workFactor);
    }

    public string Hash(string password) => BCrypt.Net.BCrypt.HashPassword(password, _workFactor);

    public bool Verify(string password, string? hash)
    {
        try
        {
            var ok = BCrypt.Net.BCrypt.Verify(password, hash ?? _dummyHash);
            return ok && hash is not null;
        }
        catch (BCrypt.Net.SaltParseException)
        {
            return false;
        }
    }
}
