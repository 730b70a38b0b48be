using System.Security.Cryptography;

namespace Concord.Server.Features.Servers;

/// <summary>Invite codes: 10 base62 characters from the OS CSPRNG (~59.5 bits), so they cannot be guessed or enumerated.</summary>
public static class InviteCodes
{
    public const int Length = 10;
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public static string New() => RandomNumberGenerator.GetString(Alphabet, Length);
}
