namespace AdminPortal.Features.Compliance.Awareness;

/// <summary>
/// One piece of security-awareness material. <see cref="Version"/> goes up when the content changes materially, so
/// people acknowledge the new text (older acknowledgements stay as history).
/// </summary>
public sealed record AwarenessTopic(string Key, int Version, string Title, string Intro, IReadOnlyList<string> Points, IReadOnlyList<string> Requirements);

public static class AwarenessTopics
{
    public static readonly AwarenessTopic TamperInspection = new(
        "tamper-inspection", 1, "Inspecting card terminals for tampering",
        "Criminals swap or modify card readers to steal card data. Check every terminal you use at the start of each shift and whenever it leaves your sight.",
        [
            "Compare the terminal with the photo and serial number in the device list: make, model, colour, stickers and serial must match.",
            "Look for signs of opening: scratches around screws or seams, broken or replaced security seals, glue, tape or a loose casing.",
            "Check the card slot and keypad for overlays: anything that feels thicker, loose or different from yesterday.",
            "Look for extra cables, new attachments or a device that is heavier than usual.",
            "Never let anyone repair, replace or take a terminal without a verified appointment from the payment provider, even if they carry a uniform or ID.",
            "If anything looks wrong: stop using the terminal, keep it aside without cleaning it, and report it at once in the portal or to your manager.",
        ],
        ["9.5.1.3"]);

    public static readonly AwarenessTopic PhishingAndSocialEngineering = new(
        "phishing-social-engineering", 1, "Phishing and social engineering",
        "Most attacks on shops start with a message or a phone call that tries to rush you. A moment of doubt protects the business.",
        [
            "Treat unexpected messages asking you to sign in, pay, open an attachment or change bank details as suspicious, however official they look.",
            "Check the sender's real address and hover over links before clicking; sign in to the portal only by typing its address yourself.",
            "The portal and the payment provider never ask for your password, passkey or a one-time code by email, chat or phone.",
            "Callers claiming to be support, a manager or the bank: hang up and call back on a number you already know.",
            "Never read out or write down full card numbers; the portal never needs them.",
            "Report suspicious messages and calls; reporting a mistake quickly is always right.",
        ],
        ["12.6.1", "12.6.3", "12.6.3.1"]);

    public static readonly IReadOnlyList<AwarenessTopic> All = [TamperInspection, PhishingAndSocialEngineering];

    public static AwarenessTopic? Find(string key) => All.FirstOrDefault(t => t.Key == key);
}
