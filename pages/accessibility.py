"""Accessibility statement (placeholder until its issue lands)."""
import streamlit as st

st.title("Accessibility statement")
st.info("This page is being built.")
