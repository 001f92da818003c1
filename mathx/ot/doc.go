// Package ot solves entropic and exact optimal transport problems.
package ot
