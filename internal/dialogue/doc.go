// Package dialogue is the domain of the portal: the types and rules of
// internal-security dialogues modelled on the Council's COSI (delegations and
// their protocol order, Council documents and their references, consultation
// rounds, meetings). It does no I/O and imports nothing of ours, so every
// rule here can be tested without a database or a browser.
package dialogue
