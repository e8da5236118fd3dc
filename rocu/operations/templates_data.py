"""Plan templates per threat type: a versioned starting point for an LRO's 4P plan.

Objectives and actions here are generic prompts from published SOC strategy practice;
the LRO edits them to the priority in hand.
"""

from __future__ import annotations

TEMPLATE_VERSION = "plan-templates-v1"

# key: (label, {P: ([objectives], [actions])})
PLAN_TEMPLATES: dict[str, tuple[str, dict[str, tuple[list[str], list[str]]]]] = {
    "county_lines": (
        "County lines",
        {
            "pursue": (["Dismantle the line and charge its controllers"], ["Identify the line holder and runners"]),
            "prevent": (
                ["Divert young people from running"],
                ["Refer exploited children to the NRM and youth services"],
            ),
            "protect": (["Protect cuckooed addresses"], ["Joint visits with housing to vulnerable tenants"]),
            "prepare": (
                ["Be ready for violence when a line is taken out"],
                ["Agree a community impact plan with the force"],
            ),
        },
    ),
    "human_trafficking": (
        "Human trafficking",
        {
            "pursue": (["Prosecute the traffickers"], ["Financial investigation of the controllers"]),
            "prevent": (
                ["Reduce demand for exploited labour"],
                ["Briefings for local businesses on labour exploitation"],
            ),
            "protect": (
                ["Identify and safeguard victims"],
                ["Joint welfare visits with the local authority and charities"],
            ),
            "prepare": (["Reception centre ready for a large rescue"], ["Agree a reception plan with partners"]),
        },
    ),
    "firearms": (
        "Firearms",
        {
            "pursue": (["Remove the supplier and the weapons"], ["Trace recovered firearms through the NABIS lab"]),
            "prevent": (["Stop young people carrying weapons"], ["Deliver diversion sessions with schools"]),
            "protect": (["Reduce thefts of legally held firearms"], ["Security advice to certificate holders"]),
            "prepare": (["Armed response ready for discharges"], ["Exercise the firearms discharge plan"]),
        },
    ),
    "fraud": (
        "Fraud",
        {
            "pursue": (["Charge the organisers and recover assets"], ["Account freezing orders on mule accounts"]),
            "prevent": (["Deter money mule recruitment"], ["Campaign with universities on mule recruitment"]),
            "protect": (["Protect older people from courier fraud"], ["Banking protocol training for branch staff"]),
            "prepare": (["Support victims quickly"], ["Agree a victim care pathway with Victim Support"]),
        },
    ),
    "cse": (
        "Child sexual exploitation",
        {
            "pursue": (["Arrest and charge offenders"], ["Execute warrants on identified online offenders"]),
            "prevent": (["Stop offending before it starts"], ["Signpost to Stop It Now"]),
            "protect": (["Safeguard children at risk"], ["Strategy meetings with children's services"]),
            "prepare": (["Support children after disclosure"], ["Agree a specialist support pathway"]),
        },
    ),
}
